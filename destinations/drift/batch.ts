import {
  ErrorCodes,
  InvalidAuthenticationError,
  MultiStatusResponse,
  getErrorCodeFromHttpStatus,
  type JSONLikeObject
} from '@segment/actions-core'
import { emailKeyOf } from '../../shared'
import { classifyRetry } from './retry'

/** How many lanes (users) a batch works on at once: bounded, so a big batch cannot flood Drift. */
export const BATCH_CONCURRENCY = 5

/** Work for one or more events of a batch; its outcome is the outcome of each of those events. */
export interface BatchTask {
  indices: number[]
  run: () => Promise<JSONLikeObject>
}

/** An event's outcome: Drift's work, a failure while talking to Drift, or a refusal before any request. */
type Outcome = { body: JSONLikeObject } | { error: unknown; refused: boolean }

/**
 * Runs lanes of tasks (one lane per user: its tasks in order, so a user's events stay in order) with at most
 * BATCH_CONCURRENCY lanes at once, and reports one honest entry per event. `refused` holds the events that
 * failed before any request (their entries carry no `sent`). After a 401 the remaining tasks fail with it without
 * asking Drift again.
 */
export async function runBatch(
  payloads: readonly object[],
  lanes: BatchTask[][],
  refused: ReadonlyMap<number, unknown>
): Promise<MultiStatusResponse> {
  const outcomes = new Map<number, Outcome>()
  for (const [index, error] of refused) outcomes.set(index, { error, refused: true })
  let authFailure: unknown = undefined

  await forEachWithConcurrency(lanes, BATCH_CONCURRENCY, async (lane) => {
    for (const task of lane) {
      let outcome: Outcome
      if (authFailure !== undefined) outcome = { error: authFailure, refused: false }
      else {
        try {
          outcome = { body: await task.run() }
        } catch (error) {
          if (error instanceof InvalidAuthenticationError) authFailure = error
          outcome = { error, refused: false }
        }
      }
      for (const index of task.indices) outcomes.set(index, outcome)
    }
  })

  const response = new MultiStatusResponse()
  payloads.forEach((payload, index) => {
    const outcome = outcomes.get(index) ?? { error: new Error('no outcome recorded for this event'), refused: true }
    const sent = payload as JSONLikeObject
    if ('body' in outcome) response.pushSuccessResponse({ status: 200, sent, body: outcome.body })
    else response.pushErrorResponse(errorEntry(outcome.error, outcome.refused ? undefined : sent))
  })
  return response
}

/**
 * An error as a multistatus entry: its status, code and message; with `sent` (what was sent to Drift, absent for
 * an event refused before any request) and `body` (`{ retryAfterMs }` when Drift sent Retry-After).
 */
export function errorEntry(error: unknown, sent: JSONLikeObject | undefined) {
  const record = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown }
  const { status = 500, retryAfterMs } = classifyRetry(error)
  const errortype =
    typeof record.code === 'string' && record.code in ErrorCodes
      ? (record.code as keyof typeof ErrorCodes)
      : getErrorCodeFromHttpStatus(status)
  const errormessage = error instanceof Error ? error.message : 'unknown error'
  if (sent === undefined) return { status, errortype, errormessage }
  return { status, errortype, errormessage, sent, body: retryAfterMs === undefined ? errormessage : { retryAfterMs } }
}

export async function forEachWithConcurrency<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>
): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]
      await work(item)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

/** Prepares every payload of a batch; one whose preparation throws is refused with that error, the rest go on. */
export function prepareEach<P, T>(
  payloads: readonly P[],
  prepare: (payload: P) => T
): { prepared: Array<T | undefined>; refused: Map<number, unknown> } {
  const refused = new Map<number, unknown>()
  const prepared = payloads.map((payload, index) => {
    try {
      return prepare(payload)
    } catch (error) {
      refused.set(index, error)
      return undefined
    }
  })
  return { prepared, refused }
}

/**
 * The lane of a prepared event: its user, by user id or else by email, so one user's events stay in order.
 * Without either it runs alone (and is refused there with a clear message, without a request).
 */
export function userLaneKey(user: { userId?: string; email?: string } | undefined, index: number): string | undefined {
  if (!user) return undefined
  if (user.userId !== undefined) return `externalId:${user.userId}`
  const email = emailKeyOf(user.email)
  return email !== undefined ? `email:${email}` : `alone:${index}`
}

/** Groups event indices by a key, keeping first-seen order of keys and event order within a key. */
export function groupBy(keys: ReadonlyArray<string | undefined>): Map<string, number[]> {
  const groups = new Map<string, number[]>()
  keys.forEach((key, index) => {
    if (key === undefined) return
    const group = groups.get(key)
    if (group) group.push(index)
    else groups.set(key, [index])
  })
  return groups
}
