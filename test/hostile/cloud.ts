import {
  Destination,
  IntegrationError,
  InvalidAuthenticationError,
  PayloadValidationError,
  RetryableError,
  type JSONObject,
  type SegmentEvent
} from '@segment/actions-core'
import driftCloudDestination, { type Settings } from '../../destinations/drift'

// Runs one event through the cloud destination as a CDP does: `Destination#onEvent` with the preset
// subscriptions (identify → upsertContact, track → trackEvent, page → trackPage, group → upsertAccount).

export type CloudOutcome =
  | { outcome: 'delivered' }
  /** No preset matches the event (e.g. it has no `type`): a CDP never hands it to the destination. */
  | { outcome: 'not subscribed' }
  /** Refused with one of actions-core's error classes and a message. */
  | { outcome: 'refused'; errorClass: string; reason: string }
  /** Anything else thrown (TypeError, RangeError...): a crash, never acceptable. */
  | { outcome: 'crashed'; errorClass: string; reason: string }

const SUBSCRIPTIONS = (driftCloudDestination.presets ?? []).map((preset) => ({
  subscribe: 'subscribe' in preset ? preset.subscribe : '',
  partnerAction: preset.partnerAction,
  mapping: preset.mapping ?? {}
}))

export function cloudSettings(apiBaseUrl: string, apiToken: string): JSONObject {
  return { apiToken, apiBaseUrl, accountOwnerId: '7', subscriptions: SUBSCRIPTIONS } as unknown as JSONObject
}

const KNOWN_ERRORS = [PayloadValidationError, InvalidAuthenticationError, RetryableError, IntegrationError]

export async function runCloud(
  destination: Destination<Settings>,
  event: object,
  settings: JSONObject
): Promise<CloudOutcome> {
  try {
    const results = await destination.onEvent(event as SegmentEvent, settings)
    destination.responses.length = 0
    if (results.every((r) => (r as { output?: unknown }).output === 'not subscribed'))
      return { outcome: 'not subscribed' }
    return { outcome: 'delivered' }
  } catch (error) {
    destination.responses.length = 0
    const e = error as Error
    const errorClass = e?.constructor?.name ?? typeof error
    const reason = typeof e?.message === 'string' ? e.message : String(error)
    const known = KNOWN_ERRORS.some((type) => error instanceof type) || e?.name === 'AggregateAjvError'
    return known ? { outcome: 'refused', errorClass, reason } : { outcome: 'crashed', errorClass, reason }
  }
}

export const newCloudDestination = (): Destination<Settings> => new Destination(driftCloudDestination)
