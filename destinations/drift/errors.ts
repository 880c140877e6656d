import {
  IntegrationError,
  InvalidAuthenticationError,
  PayloadValidationError,
  RetryableError,
  getErrorCodeFromHttpStatus
} from '@segment/actions-core'

import { isRetryableStatus } from './retry'

type RetryableStatus = ConstructorParameters<typeof RetryableError>[1]

/**
 * A `RetryableError` that also says, as a number, how long Drift asked us to wait (its `Retry-After` header, in
 * ms), so a replay or a queue can honour it without parsing the message. `undefined` when Drift sent none.
 */
export class DriftRetryableError extends RetryableError {
  readonly retryAfterMs: number | undefined

  constructor(message: string, status: number, retryAfterMs?: number) {
    super(message, (isRetryableStatus(status) ? status : 500) as RetryableStatus)
    this.retryAfterMs = retryAfterMs
  }
}

/** What went wrong in words Drift used: `error.message`, `message`, `error`, `errors[0].message`, or the text. */
export function driftMessage(body: unknown, text: string): string {
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  const error = record.error
  const candidates = [
    typeof error === 'object' && error !== null ? (error as Record<string, unknown>).message : undefined,
    record.message,
    typeof error === 'string' ? error : undefined,
    Array.isArray(record.errors) ? (record.errors[0] as Record<string, unknown> | undefined)?.message : undefined
  ]
  const found = candidates.find((candidate) => typeof candidate === 'string' && candidate.trim() !== '')
  const message = typeof found === 'string' ? found : text.trim()
  return message.length > 300 ? `${message.slice(0, 300)}…` : message
}

/** Removes the token from a message, in case an answer ever echoes it back. */
export function redact(message: string, token: string): string {
  return token.length >= 4 ? message.split(token).join('[redacted]') : message
}

export interface FailedAnswer {
  /** What we asked, for the message: e.g. `PATCH /contacts/:id (update a contact)`. */
  what: string
  status: number
  /** Drift's message (already redacted). */
  message: string
  retryAfterMs?: number
  /** The scope the route needs, named in 403 errors. */
  scope?: string
}

const RETRYABLE_KIND: Record<number, string> = {
  408: 'request timeout',
  423: 'resource locked',
  429: 'rate limit reached'
}

/** A Drift answer that is not a success, as an actions-core error (never a plain `Error`). */
export function classifyAnswer({ what, status, message, retryAfterMs, scope }: FailedAnswer): Error {
  const said = message ? `: ${message}` : ''
  if (status === 401) {
    return new InvalidAuthenticationError(`Drift rejected the API token (401) for ${what}${said}`)
  }
  if (status === 403) {
    const needs = scope ? `the token lacks the ${scope} scope` : 'the token lacks a scope this call needs'
    return new IntegrationError(`Drift refused ${what} (403): ${needs}${said}`, 'INSUFFICIENT_SCOPE', 403)
  }
  if (isRetryableStatus(status)) {
    const wait = retryAfterMs === undefined ? '' : `; Retry-After: ${retryAfterMs / 1000} s`
    const kind = RETRYABLE_KIND[status] ?? 'server error'
    return new DriftRetryableError(`Drift ${kind} (${status}) for ${what}${said}${wait}`, status, retryAfterMs)
  }
  if (status === 400 || status === 413 || status === 422) {
    return new PayloadValidationError(`Drift rejected ${what} (${status})${said}`)
  }
  return new IntegrationError(`Drift answered ${status} for ${what}${said}`, getErrorCodeFromHttpStatus(status), status)
}

/**
 * A request that got no answer: a timeout or a network failure, both retryable. `timeoutMs` is the client's own;
 * a request hook may have set another for this request, which the timeout error then carries.
 */
export function classifyNoAnswer(what: string, error: unknown, timeoutMs: number): DriftRetryableError {
  const record = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown
    code?: unknown
    options?: { timeout?: unknown }
  }
  const waited = typeof record.options?.timeout === 'number' ? record.options.timeout : timeoutMs
  const timedOut =
    record.name === 'TimeoutError' ||
    record.name === 'RequestTimeoutError' ||
    record.code === 'ETIMEDOUT' ||
    record.code === 'REQUESTTIMEOUTERROR'
  if (timedOut) {
    return new DriftRetryableError(`Drift did not answer ${what} within ${waited} ms (timeout)`, 408)
  }
  const code = typeof record.code === 'string' && /^[A-Z_]+$/.test(record.code) ? ` (${record.code})` : ''
  return new DriftRetryableError(`Drift could not be reached for ${what}: network error${code}`, 503)
}
