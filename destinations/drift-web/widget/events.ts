import type { Analytics } from '@segment/analytics-next'
import { isRecord } from '../../../shared/record'

/** Marks what Drift told us, so analytics never sends it back into Drift (an echo loop froze Drift's chat). */
const NOT_TO_DRIFT = { integrations: { Drift: false } }

/** `startConversation` → `Drift Start Conversation`, `scheduling:meetingBooked` → `Drift Scheduling Meeting Booked`. */
export const widgetEventName = (driftEvent: string): string =>
  ('Drift ' + driftEvent)
    .replace(/([a-z\d])(?=[A-Z])/g, '$1 ')
    // Each run of separators becomes one space, and the word after it starts with a capital.
    .replace(/[\s:_-]+(.?)/g, (_, first: string) => ' ' + first.toUpperCase())
    .trim()

/**
 * A widget event becomes `analytics.track('Drift <Readable Name>', payload)`; `emailCapture` may also identify
 * the email it carries (at `data.email` or `email`). Both are marked `integrations: { Drift: false }`.
 */
export function forwardWidgetEvent(
  analytics: Analytics,
  driftEvent: string,
  payload: unknown,
  identifyOnEmailCapture: boolean
): void {
  const given = (isRecord(payload) ? payload : {}) as {
    data?: { email?: unknown }
    email?: unknown
  }
  void analytics.track(widgetEventName(driftEvent), given, NOT_TO_DRIFT)
  const email = given.data?.email ?? given.email
  if (driftEvent === 'emailCapture' && identifyOnEmailCapture && typeof email === 'string' && email) {
    void analytics.identify({ email }, NOT_TO_DRIFT)
  }
}
