// Every error the sandbox answers is JSON: `{ error: { type, message, ...details } }`.

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly type: string,
    message: string,
    readonly details: Record<string, unknown> = {}
  ) {
    super(message)
    this.name = 'ApiError'
  }

  body(): { error: Record<string, unknown> } {
    return { error: { type: this.type, message: this.message, ...this.details } }
  }
}

export const badRequest = (message: string, details?: Record<string, unknown>): ApiError =>
  new ApiError(400, 'invalid_request', message, details)

export const notFound = (message: string): ApiError => new ApiError(404, 'not_found', message)

export const conflict = (message: string, details?: Record<string, unknown>): ApiError =>
  new ApiError(409, 'conflict', message, details)
