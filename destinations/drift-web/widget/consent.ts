import type { Context } from '@segment/analytics-next'
import { consentVerdict, eventConsentStatus } from '../../../shared/privacy/consent'
import type { DriftClient } from './client'
import { prefixed } from './types'

/** The track call consent wrappers send when the visitor changes their choices: a signal, not a visitor action. */
export const CONSENT_CHANGED = 'Segment Consent Preference Updated'

/**
 * Clients whose start waits for consent (consentCategories set): their start, which connect.ts makes run once
 * (the stub, the identity, the widget script).
 */
export const held = new WeakMap<DriftClient, (ctx: Context) => Promise<void>>()

/**
 * Whether the event being delivered may reach Drift, for both device faces. Without consentCategories: always.
 * With them, every event is checked: one refused is dropped with the reason in its log (never kept for later:
 * the visitor had not agreed), and the first one granted starts the widget before it is sent. The consent
 * wrapper's own track call may start the widget, but is not sent.
 */
export async function consented(client: DriftClient, ctx: Context): Promise<boolean> {
  const start = held.get(client)
  if (!start) return true
  const { consentCategories, consentWhenMissing } = client.settings
  const verdict = consentVerdict(eventConsentStatus(ctx.event, consentCategories), consentWhenMissing)
  if (!verdict.send) {
    ctx.log('info', prefixed(`not sent: ${verdict.reason}`))
    return false
  }
  // Started once, by the first event granted; later events wait for it, so the identity goes first.
  await start(ctx)
  // Only a track call has an event name.
  return ctx.event.event !== CONSENT_CHANGED
}
