import type { Analytics } from '@segment/analytics-next'

/** Marks what Drift told us, so analytics never sends it back into Drift (an echo loop froze Drift's chat). */
const NOT_TO_DRIFT = { integrations: { Drift: false } }

/** `startConversation` → `Drift Start Conversation`, `scheduling:meetingBooked` → `Drift Scheduling Meeting Booked`. */
export function widgetEventName(driftEvent: string): string {
  const words = driftEvent
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s:_-]+/)
    .filter(Boolean)
  return ['Drift', ...words.map((word) => word[0].toUpperCase() + word.slice(1))].join(' ')
}

/** The email an `emailCapture` payload carries, at `data.email` or `email`. */
function emailIn(payload: unknown): string | undefined {
  const given = payload as { data?: { email?: unknown }; email?: unknown } | null | undefined
  const email = given?.data?.email ?? given?.email
  return typeof email === 'string' && email !== '' ? email : undefined
}

/**
 * A widget event becomes `analytics.track('Drift <Readable Name>', payload)`; `emailCapture` may also identify
 * the email. Both are marked `integrations: { Drift: false }`.
 */
export function forwardWidgetEvent(
  analytics: Analytics,
  driftEvent: string,
  payload: unknown,
  identifyOnEmailCapture: boolean
): void {
  const properties = typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? payload : {}
  void analytics.track(widgetEventName(driftEvent), properties as Record<string, unknown>, NOT_TO_DRIFT)
  const email = driftEvent === 'emailCapture' && identifyOnEmailCapture ? emailIn(payload) : undefined
  if (email) void analytics.identify({ email }, NOT_TO_DRIFT)
}
