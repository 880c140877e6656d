import { InvalidAuthenticationError, PayloadValidationError, RetryableError } from '@segment/actions-core'
import { backoffDelay, classifyRetry, isRetryableStatus, parseRetryAfterMs, retryAfterMsOf } from '../retry'

describe('Drift.retry', () => {
  it('should call 408, 423, 429 and 5xx (but 501) retryable, and nothing else', () => {
    expect([408, 423, 429, 500, 502, 503, 504, 599].every(isRetryableStatus)).toBe(true)
    expect([undefined, 200, 400, 401, 403, 404, 409, 422, 501].some(isRetryableStatus)).toBe(false)
  })

  it('should read Retry-After as milliseconds: seconds, fractions and HTTP dates, capped at an hour', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfterMs('3', now)).toBe(3000)
    expect(parseRetryAfterMs(' 1.5 ', now)).toBe(1500)
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:07 GMT', now)).toBe(7000)
    expect(parseRetryAfterMs('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfterMs('999999', now)).toBe(3_600_000)
    for (const bad of [undefined, null, '', 'soon', '-1']) expect(parseRetryAfterMs(bad, now)).toBeUndefined()
  })

  it('should sort failures by structure, never by message text', () => {
    expect(classifyRetry(new InvalidAuthenticationError('no'))).toEqual({ kind: 'auth', status: 401 })
    const limited = Object.assign(new RetryableError('slow down', 429), { retryAfterSeconds: 2 })
    expect(classifyRetry(limited)).toEqual({ kind: 'pacing', status: 429, retryAfterMs: 2000 })
    expect(classifyRetry(new RetryableError('busy', 503))).toMatchObject({ kind: 'transient', status: 503 })
    expect(classifyRetry(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toMatchObject({ kind: 'transient' })
    expect(classifyRetry({ status: 502, body: { retryAfterSeconds: 4 } })).toEqual({
      kind: 'transient',
      status: 502,
      retryAfterMs: 4000
    })
    expect(classifyRetry(new PayloadValidationError('email is required'))).toMatchObject({ kind: 'final' })
    // A message that merely mentions a status is not a status.
    expect(classifyRetry(new Error('Drift rate limit reached (429); Retry-After: 3 s'))).toEqual({ kind: 'final' })
    expect(retryAfterMsOf({ retryAfterMs: 250 })).toBe(250)
  })

  it('should back off with full jitter under a growing ceiling, never below Retry-After', () => {
    const options = { baseMs: 100, maxMs: 1000 }
    expect(backoffDelay(1, options, 0, () => 0.999)).toBe(99)
    expect(backoffDelay(4, options, 0, () => 0.999)).toBe(799)
    expect(backoffDelay(10, options, 0, () => 0.999)).toBe(999)
    expect(backoffDelay(2, options, 5000, () => 0.5)).toBe(5000)
  })
})
