import { MultiStatusResponse, type ActionDefinition, type InputField, type JSONLikeObject } from '@segment/actions-core'
import { NO_CONSENT, categoryPreferencesOfConsent, consentStatus, consentVerdict } from '../../shared/privacy/consent'
import type { CloudSettings } from '../../shared'
import { cloudSettings } from './settings'

/** What an action returns for an event it did not send for lack of consent: a success, so it is never retried. */
export interface ConsentSkip {
  [key: string]: string
  skipped: typeof NO_CONSENT
  /** Which categories were not granted and why (never a value from the event other than category names). */
  reason: string
}

/** The hidden field every action reads the event's consent from (Segment's consent specification). */
export const consentField: InputField = {
  label: 'Consent',
  description:
    "The event's consent (context.consent): its categoryPreferences must grant every category of the Consent Categories setting, or the event is skipped.",
  type: 'object',
  required: false,
  unsafe_hidden: true,
  default: { '@path': '$.context.consent' }
}

/** The skip for an event whose consent does not allow sending it to Drift, or undefined to send it. */
export function consentSkipOf(consent: unknown, settings: CloudSettings): ConsentSkip | undefined {
  if (settings.consentCategories.length === 0) return undefined
  const status = consentStatus(categoryPreferencesOfConsent(consent), settings.consentCategories)
  const verdict = consentVerdict(status, settings.consentWhenMissing)
  return verdict.send ? undefined : { skipped: NO_CONSENT, reason: verdict.reason }
}

const consentOf = (payload: unknown) => (payload as { consent?: unknown } | undefined)?.consent

/**
 * An action with consent gating: the `consent` field added, and `perform` / `performBatch` answering events
 * without consent with a skip (no request, no error) before the action's own code runs. In a batch, each
 * skipped event gets a success entry with the skip as its body; the others go to the action's performBatch.
 */
export function withConsent<S, P>(action: ActionDefinition<S, P>): ActionDefinition<S, P> {
  const { perform, performBatch } = action
  const gated: ActionDefinition<S, P> = {
    ...action,
    fields: { ...action.fields, consent: consentField },
    perform: (request, data) =>
      consentSkipOf(consentOf(data.payload), cloudSettings(data.settings)) ?? perform(request, data)
  }
  if (!performBatch) return gated
  gated.performBatch = async (request, data) => {
    const config = cloudSettings(data.settings)
    const skips = data.payload.map((payload) => consentSkipOf(consentOf(payload), config))
    if (skips.every((skip) => skip === undefined)) return performBatch(request, data)
    const kept = skips.flatMap((skip, index) => (skip === undefined ? [index] : []))
    const response = new MultiStatusResponse()
    if (kept.length > 0) {
      const inner = await performBatch(request, { ...data, payload: kept.map((index) => data.payload[index]) })
      if (!(inner instanceof MultiStatusResponse))
        throw new Error('performBatch must answer with a MultiStatusResponse')
      kept.forEach((index, at) => response.pushResponseObjectAtIndex(index, inner.getResponseAtIndex(at)))
    }
    skips.forEach((skip, index) => {
      if (skip === undefined) return
      const sent = data.payload[index] as unknown as JSONLikeObject
      response.setSuccessResponseAtIndex(index, { status: 200, sent, body: skip })
    })
    return response
  }
  return gated
}
