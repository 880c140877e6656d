import type { Analytics, Context } from '@segment/analytics-next'
import { sandbox } from '../../destinations/drift-web/__tests__/helpers/page'

// Runs one Segment-shaped event through a page's analytics-next (and so through the Drift plugin), the way a
// site's code would: identify / track / page / group with the event's fields as arguments.

export type DeviceOutcome =
  | { outcome: 'delivered'; calls: string[] }
  | { outcome: 'reported'; reasons: string[] }
  | { outcome: 'silent' }
  /** analytics-next refused the call's arguments itself (e.g. track without a name): the caller's promise rejects. */
  | { outcome: 'rejected'; reason: string }
  | { outcome: 'crashed'; reason: string }

type Fields = Record<string, unknown>

function options(event: Fields): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of ['context', 'timestamp', 'integrations'] as const) if (key in event) out[key] = event[key]
  return out
}

/** Calls analytics like a site would; resolves with the event's Context. */
export function callAnalytics(analytics: Analytics, event: Fields): Promise<Context> {
  const opts = options(event)
  switch (event.type) {
    case 'identify':
      return analytics.identify(event.userId as string, event.traits as object, opts)
    case 'track':
      return analytics.track(event.event as string, event.properties as object, opts)
    case 'page':
      return analytics.page(event.category as string, event.name as string, event.properties as object, opts)
    case 'group':
      return analytics.group(event.groupId as string, event.traits as object, opts)
    default:
      return Promise.reject(new Error(`no analytics call for type ${String(event.type)}`))
  }
}

/** Drift's reasons in an event's log: warnings and errors the plugin wrote, and a failed delivery. */
export function driftReasons(ctx: Context, levels = ['warn', 'error']): string[] {
  const reasons = ctx
    .logs()
    .filter((log) => levels.includes(log.level) && String(log.message).includes('[Drift]'))
    .map((log) => String(log.message))
  const failed = ctx.failedDelivery()
  if (failed) reasons.push(`failed delivery: ${String((failed.reason as Error)?.message ?? failed.reason)}`)
  return reasons
}

/** The widget calls recorded by the sandbox's widget so far (without `on` subscriptions). */
export const widgetCallCount = (): number => (sandbox()?.calls ?? []).length

/**
 * Sends the event and classifies what happened: widget calls made for it (delivered), or reasons written to its
 * log (reported), or neither (silent: a bug). `settle` waits until the plugin has sent or held everything.
 */
export async function runDevice(
  analytics: Analytics,
  event: Fields,
  settle: () => Promise<void>,
  levels?: string[]
): Promise<DeviceOutcome & { ctx?: Context }> {
  const before = widgetCallCount()
  let ctx: Context
  try {
    ctx = await callAnalytics(analytics, event)
  } catch (error) {
    const fromAnalytics = error instanceof Error && /arguments-resolver/.test(error.stack ?? '')
    return { outcome: fromAnalytics ? 'rejected' : 'crashed', reason: String((error as Error)?.stack ?? error) }
  }
  await settle()
  const calls = (sandbox()?.calls ?? [])
    .slice(before)
    .filter((call) => call.method !== 'on')
    .map((call) => call.method)
  const reasons = driftReasons(ctx, levels)
  if (calls.length > 0) return { outcome: 'delivered', calls, ctx }
  if (reasons.length > 0) return { outcome: 'reported', reasons, ctx }
  return { outcome: 'silent', ctx }
}
