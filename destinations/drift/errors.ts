import {
  IntegrationError,
  InvalidAuthenticationError,
  PayloadValidationError,
  RetryableError,
  getErrorCodeFromHttpStatus
} from '@segment/actions-core'

type RetryableStatus = ConstructorParameters<typeof RetryableError>[1]
const RETRYABLE_STATUSES = new Set<number>([408, 423, 429, 500, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511])

/**
 * A `RetryableError` that also says, as a number, how long Drift asked us to wait (its `Retry-After` header),
 * so a replay or a queue can honour it without parsing the message. `undefined` when Drift sent none.
 */
export class DriftRetryableError extends RetryableError {
  readonly retryAfterSeconds: number | undefined

  constructor(message: string, status: number, retryAfterSeconds?: number) {
    super(message, (RETRYABLE_STATUSES.has(status) ? status : 500) as RetryableStatus)
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/**
 * The `Retry-After` of an error, in seconds: the `retryAfterSeconds` property of a `DriftRetryableError`, the
 * `body.retryAfterSeconds` of a batch (multistatus) entry, or `Retry-After: N s` in a message.
 */
export function retryAfterSecondsOf(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null) {
    return typeof value === 'string' ? fromMessage(value) : undefined
  }
  const record = value as { retryAfterSeconds?: unknown; body?: unknown; message?: unknown; errormessage?: unknown }
  if (typeof record.retryAfterSeconds === 'number') return record.retryAfterSeconds
  const body = record.body as { retryAfterSeconds?: unknown } | undefined
  if (typeof body === 'object' && body !== null && typeof body.retryAfterSeconds === 'number') {
    return body.retryAfterSeconds
  }
  return fromMessage(String(record.errormessage ?? record.message ?? ''))
}

function fromMessage(message: string): number | undefined {
  const match = /Retry-After: (\d+) s/.exec(message)
  return match ? Number(match[1]) : undefined
}

/** `Retry-After` as whole seconds (delta-seconds or an HTTP date), or undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  if (header === null || header === undefined) return undefined
  const text = header.trim()
  if (/^\d+$/.test(text)) return Number(text)
  const date = Date.parse(text)
  if (!Number.isFinite(date)) return undefined
  return Math.max(0, Math.ceil((date - now) / 1000))
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
  retryAfterSeconds?: number
  /** The scope the route needs, named in 403 errors. */
  scope?: string
}

/** Errors that come from talking to Drift (an answer or its absence), as opposed to refusing bad input first. */
const fromDrift = new WeakSet<object>()

export function cameFromDrift(error: unknown): boolean {
  return typeof error === 'object' && error !== null && fromDrift.has(error)
}

function marked<E extends Error>(error: E): E {
  fromDrift.add(error)
  return error
}

/** A Drift answer that is not a success, as an actions-core error (never a plain `Error`). */
export function classifyAnswer(answer: FailedAnswer): Error {
  return marked(errorForAnswer(answer))
}

function errorForAnswer({ what, status, message, retryAfterSeconds, scope }: FailedAnswer): Error {
  const said = message ? `: ${message}` : ''
  if (status === 401) {
    return new InvalidAuthenticationError(`Drift rejected the API token (401) for ${what}${said}`)
  }
  if (status === 403) {
    const needs = scope ? `the token lacks the ${scope} scope` : 'the token lacks a scope this call needs'
    return new IntegrationError(`Drift refused ${what} (403): ${needs}${said}`, 'INSUFFICIENT_SCOPE', 403)
  }
  if (status === 429 || status === 408 || status >= 500) {
    const wait = retryAfterSeconds === undefined ? '' : `; Retry-After: ${retryAfterSeconds} s`
    const kind = status === 429 ? 'rate limit reached' : status === 408 ? 'request timeout' : 'server error'
    return new DriftRetryableError(`Drift ${kind} (${status}) for ${what}${said}${wait}`, status, retryAfterSeconds)
  }
  if (status === 400 || status === 413 || status === 422) {
    return new PayloadValidationError(`Drift rejected ${what} (${status})${said}`)
  }
  return new IntegrationError(`Drift answered ${status} for ${what}${said}`, getErrorCodeFromHttpStatus(status), status)
}

/** A request that got no answer: a timeout or a network failure, both retryable. */
export function classifyNoAnswer(what: string, error: unknown, timeoutMs: number): DriftRetryableError {
  const record = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; code?: unknown }
  const timedOut =
    record.name === 'TimeoutError' ||
    record.name === 'RequestTimeoutError' ||
    record.code === 'ETIMEDOUT' ||
    record.code === 'REQUESTTIMEOUTERROR'
  if (timedOut) {
    return marked(new DriftRetryableError(`Drift did not answer ${what} within ${timeoutMs} ms (timeout)`, 408))
  }
  const code = typeof record.code === 'string' && /^[A-Z_]+$/.test(record.code) ? ` (${record.code})` : ''
  return marked(new DriftRetryableError(`Drift could not be reached for ${what}: network error${code}`, 503))
}
