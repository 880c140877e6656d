import { InvalidAuthenticationError, RetryableError } from '@segment/actions-core'
import { isNullish } from '../../shared/absent'

// The one home of the retry rules: which failures are worth another attempt, how long Drift asked us to wait
// (Retry-After, always in milliseconds here), and the backoff between attempts. Everything is decided from
// structured fields (status, code, retryAfterMs); message text is never parsed.

/** 408 timeout, 423 locked, 429 rate limit, and 5xx (except 501: not implemented will not change). */
export function isRetryableStatus(status: number | undefined): boolean {
  if (status === undefined) return false
  return status === 408 || status === 423 || status === 429 || (status >= 500 && status <= 599 && status !== 501)
}

/** The longest wait a Retry-After may ask for (a larger value is capped, not trusted blindly). */
export const MAX_RETRY_AFTER_MS = 3_600_000

/** Retry-After as milliseconds: delta seconds (fractions accepted) or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | null | undefined, now = Date.now()): number | undefined {
  if (isNullish(value)) return undefined
  const text = value.trim()
  if (text === '') return undefined
  if (/^\d+(\.\d+)?$/.test(text)) return Math.min(Math.round(Number(text) * 1000), MAX_RETRY_AFTER_MS)
  // An HTTP date starts with the day's name; anything else (`-1`, `2s`) is unreadable, not a date.
  const date = /^[A-Za-z]/.test(text) ? Date.parse(text) : Number.NaN
  return Number.isNaN(date) ? undefined : Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS)
}

/** Node and undici codes for a request that got no answer at all (worth retrying). */
const NO_ANSWER_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'REQUESTTIMEOUTERROR'
])

/**
 * pacing: the target asked us to slow down (429): wait and try again, it is not a failure of the event.
 * transient: a 5xx, a timeout or a dropped connection: retry with backoff, a bounded number of times.
 * auth: the credentials were refused: retrying cannot help and no other event will succeed either.
 * final: anything else (bad data, a missing scope): retrying cannot help.
 */
export type RetryKind = 'pacing' | 'transient' | 'auth' | 'final'

export interface RetryVerdict {
  kind: RetryKind
  status?: number
  /** How long the target asked us to wait, when it said. */
  retryAfterMs?: number
}

function statusOf(error: Record<string, unknown>): number | undefined {
  if (typeof error.status === 'number') return error.status
  const response = error.response as { status?: unknown } | undefined
  return typeof response?.status === 'number' ? response.status : undefined
}

/** Retry-After carried by an error or a batch entry: `retryAfterMs`, or `retryAfterSeconds` (also under `body`). */
export function retryAfterMsOf(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const record = value as { retryAfterMs?: unknown; retryAfterSeconds?: unknown; body?: unknown }
  if (typeof record.retryAfterMs === 'number') return record.retryAfterMs
  if (typeof record.retryAfterSeconds === 'number') return record.retryAfterSeconds * 1000
  if (record.body !== value && typeof record.body === 'object') return retryAfterMsOf(record.body)
  return undefined
}

/** Sorts any failure (an actions-core error, a Drift error, a fetch error) by what retrying can do about it. */
export function classifyRetry(error: unknown): RetryVerdict {
  const record = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>
  const status = statusOf(record)
  const retryAfterMs = retryAfterMsOf(record)
  if (error instanceof InvalidAuthenticationError || status === 401) return { kind: 'auth', status: 401 }
  if (status === 429) return { kind: 'pacing', status, retryAfterMs }
  const code = typeof record.code === 'string' ? record.code.toUpperCase() : undefined
  const noAnswer =
    (code !== undefined && (NO_ANSWER_CODES.has(code) || code.startsWith('UND_ERR_'))) ||
    record.name === 'FetchError' ||
    record.name === 'TimeoutError' ||
    record.name === 'RequestTimeoutError'
  if (error instanceof RetryableError || isRetryableStatus(status) || noAnswer) {
    return { kind: 'transient', status, retryAfterMs }
  }
  return { kind: 'final', status }
}

export interface BackoffOptions {
  /** First delay ceiling, in ms (default 250). */
  baseMs: number
  /** Largest delay ceiling, in ms (default 30 s). */
  maxMs: number
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 30_000 }

/**
 * Delay before attempt `attempt + 1` after `attempt` failures: full jitter (a random share of an exponentially
 * growing ceiling), but never shorter than the target's Retry-After.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  retryAfterMs = 0,
  random: () => number = Math.random
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.max(retryAfterMs, Math.floor(random() * ceiling))
}
