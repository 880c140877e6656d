import type { SegmentEvent } from '@segment/actions-core'
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from '../destinations/drift/retry'
import type { Delivery } from './deliver'
import { AbortedError, sleep } from './pacer'

// One event, all its attempts. A 429 is pacing, not failure: it is retried after Retry-After (or a growing
// backoff) for as long as the run's deadline allows, and does not use up attempts. A transient failure (5xx,
// timeout, dropped connection) is retried with backoff up to `maxAttempts`. Only bad data, a refusal by the
// target, or a deadline reached becomes a reject. Never throws for a delivery failure.

export interface SendContext {
  delivery: Delivery
  /** Attempts after transient failures, first included. */
  maxAttempts: number
  backoff?: BackoffOptions
  /** Epoch ms after which nothing is retried any more (undefined: no deadline). */
  deadline?: number
  signal: AbortSignal
  /** Called before each retry (counted in the summary). */
  onRetry: () => void
}

export type SendOutcome =
  | { kind: 'sent' }
  /** The destination chose not to send it (`label`: the cause, such as "no consent"; `reason`: the details). */
  | { kind: 'skipped'; label: string; reason: string }
  /** The run stopped (interrupt, refused token) before this event finished: a resumed run sends it. */
  | { kind: 'unfinished' }
  /** The target refused the token: the whole run stops. */
  | { kind: 'credentials'; reason: string }
  | { kind: 'rejected'; outcome: 'failed' | 'invalid'; reason: string; status?: number; attempts: number }

/** A 429 without Retry-After waits like a backoff, its ceiling growing with the 429s in a row (capped). */
const PACING_STEPS = 8

export async function sendEvent(event: SegmentEvent, ctx: SendContext): Promise<SendOutcome> {
  const backoff = ctx.backoff ?? DEFAULT_BACKOFF
  let transient = 0
  let paced = 0
  for (let attempt = 1; ; attempt++) {
    if (ctx.signal.aborted) return { kind: 'unfinished' }
    const result = await ctx.delivery.send(event)
    if (result.ok) return result.skipped ? { kind: 'skipped', ...result.skipped } : { kind: 'sent' }
    if (ctx.signal.aborted) return { kind: 'unfinished' }
    if (result.kind === 'auth') return { kind: 'credentials', reason: result.reason }
    let giveUp = ''
    if (result.kind === 'pacing' || result.kind === 'transient') {
      const wait =
        result.kind === 'pacing'
          ? backoffDelay(Math.min(++paced, PACING_STEPS), backoff, result.retryAfterMs)
          : backoffDelay(++transient, backoff, result.retryAfterMs)
      if (ctx.deadline !== undefined && Date.now() + wait >= ctx.deadline) {
        giveUp = ` (gave up after ${attempt} attempts: the run's deadline was reached)`
      } else if (result.kind === 'transient' && transient >= ctx.maxAttempts) {
        giveUp = ` (gave up after ${attempt} attempts)`
      } else {
        ctx.onRetry()
        try {
          await sleep(wait, ctx.signal)
        } catch (error) {
          if (error instanceof AbortedError) return { kind: 'unfinished' }
          throw error
        }
        continue
      }
    }
    return {
      kind: 'rejected',
      outcome: result.beforeSending ? 'invalid' : 'failed',
      reason: `${result.reason}${giveUp}`,
      status: result.status,
      attempts: attempt
    }
  }
}
