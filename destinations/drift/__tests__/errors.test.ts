import {
  IntegrationError,
  InvalidAuthenticationError,
  PayloadValidationError,
  RetryableError,
  createRequestClient,
  createTestIntegration,
  type DestinationDefinition
} from '@segment/actions-core'
import nock from 'nock'
import definition, { DriftRetryableError, resetDriftCaches, retryAfterMsOf } from '..'
import { withHooks } from '../../../cli/deliver'
import { DriftApi } from '../drift-api'
import { cloudSettings } from '../settings'
import { BASE, scope, freshDrift, knownUser, settings, setUpNock, TOKEN } from './helpers'

setUpNock()

const track = { type: 'track' as const, userId: 'u1', event: 'E', properties: {} }

/** A fresh destination (cold cache: the user id is confirmed by a lookup first), then the timeline post that fails. */
async function failure(): Promise<unknown> {
  knownUser('u1')
  try {
    await freshDrift().testAction('trackEvent', { event: track, settings, useDefaultMappings: true })
  } catch (error) {
    return error
  }
  throw new Error('expected the action to fail')
}

describe('Drift response classification', () => {
  it('should turn 401 into InvalidAuthenticationError', async () => {
    scope()
      .post('/contacts/timeline')
      .reply(401, { error: { message: 'Unknown or expired access token' } })
    const error = await failure()
    expect(error).toBeInstanceOf(InvalidAuthenticationError)
    expect((error as Error).message).toBe(
      'Drift rejected the API token (401) for POST /contacts/timeline (add a timeline event): Unknown or expired access token'
    )
  })

  it('should turn 403 into an IntegrationError naming the scope', async () => {
    scope()
      .post('/contacts/timeline')
      .reply(403, { error: { message: 'insufficient scope' } })
    const error = await failure()
    expect(error).toBeInstanceOf(IntegrationError)
    expect(error).toMatchObject({ status: 403, code: 'INSUFFICIENT_SCOPE' })
    expect((error as Error).message).toContain('the token lacks the contact_write scope')
  })

  it('should turn 429 into a RetryableError that says and exposes Retry-After', async () => {
    scope()
      .post('/contacts/timeline')
      .reply(429, { error: { message: 'Rate limit exceeded' } }, { 'Retry-After': '7' })
    const error = await failure()
    expect(error).toBeInstanceOf(RetryableError)
    expect(error).toBeInstanceOf(DriftRetryableError)
    expect(error).toMatchObject({ status: 429, retryAfterMs: 7000 })
    expect((error as Error).message).toContain('Retry-After: 7 s')
    expect(retryAfterMsOf(error)).toBe(7000)
  })

  it('should read an HTTP-date Retry-After and go without one', async () => {
    const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString()
    scope().post('/contacts/timeline').reply(429, '', { 'Retry-After': inTwoMinutes })
    const ms = retryAfterMsOf(await failure()) ?? 0
    expect(ms).toBeGreaterThanOrEqual(118_000)
    expect(ms).toBeLessThanOrEqual(120_000)
    scope().post('/contacts/timeline').reply(429, '')
    const error = await failure()
    expect(error).toMatchObject({ status: 429, retryAfterMs: undefined })
    expect((error as Error).message).not.toContain('Retry-After')
  })

  it('should turn 5xx into RetryableError with the status', async () => {
    for (const status of [500, 502, 503, 504]) {
      scope().post('/contacts/timeline').reply(status, 'upstream trouble')
      const error = await failure()
      expect(error).toBeInstanceOf(RetryableError)
      expect(error).toMatchObject({ status })
      expect((error as Error).message).toContain('upstream trouble')
    }
  })

  it("should turn 400 and 422 into PayloadValidationError with Drift's message, other 4xx into IntegrationError", async () => {
    scope()
      .post('/contacts/timeline')
      .reply(400, { error: { type: 'invalid_request', message: 'event is required' } })
    const bad = await failure()
    expect(bad).toBeInstanceOf(PayloadValidationError)
    expect((bad as Error).message).toContain('event is required')
    scope()
      .post('/contacts/timeline')
      .reply(422, { errors: [{ message: 'attributes must be flat' }] })
    expect(await failure()).toMatchObject({
      code: 'PAYLOAD_VALIDATION_FAILED',
      message: expect.stringContaining('flat')
    })
    scope().post('/contacts/timeline').reply(405, { message: 'Method not allowed' })
    const other = await failure()
    expect(other).toBeInstanceOf(IntegrationError)
    expect(other).not.toBeInstanceOf(PayloadValidationError)
    expect(other).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' })
  })

  it('should never repeat the token, even when Drift echoes it', async () => {
    scope()
      .post('/contacts/timeline')
      .reply(400, { message: `bad token ${TOKEN} here` })
    const error = await failure()
    expect((error as Error).message).not.toContain(TOKEN)
    expect((error as Error).message).toContain('[redacted]')
  })

  it("should turn a timeout into a retryable error naming the client's own timeout", async () => {
    nock(BASE).post('/contacts/timeline').delay(1000).reply(200, {})
    const api = new DriftApi(createRequestClient(), cloudSettings(settings), { timeoutMs: 50 })
    const error = await api
      .postTimeline({ externalId: 'u1' }, { event: 'E', attributes: {}, warnings: [] })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DriftRetryableError)
    expect(error).toMatchObject({ status: 408 })
    expect((error as Error).message).toContain('within 50 ms (timeout)')
    expect(() => new DriftApi(createRequestClient(), cloudSettings(settings), { timeoutMs: 0 })).toThrow(
      'timeoutMs must be a whole number of milliseconds'
    )
  })

  it("should time out by a request hook's timeout (the replay's per-client one), and say so", async () => {
    knownUser('u1')
    scope().post('/contacts/timeline').delay(1000).reply(200, {})
    resetDriftCaches()
    const stats = { requests: 0, byStatus: {}, byRoute: {} }
    const hooked = withHooks(definition as DestinationDefinition<unknown>, stats, { timeoutMs: () => 60 })
    const error = await createTestIntegration(hooked)
      .testAction('trackEvent', { event: track, settings, useDefaultMappings: true })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DriftRetryableError)
    expect((error as Error).message).toContain('within 60 ms (timeout)')
  })

  it('should turn a network error into a retryable error', async () => {
    scope().post('/contacts/timeline').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' })
    const error = await failure()
    expect(error).toBeInstanceOf(DriftRetryableError)
    expect(error).toMatchObject({ status: 503 })
    expect((error as Error).message).toContain('network error')
  })
})
