import type { Analytics, Context } from '@segment/analytics-next'
import { isAbsent } from '../../../shared/absent'
import { checkDeviceSettings } from '../../../shared/settings-rules'
import { createDriftClient, type DriftClient } from './client'
import { held } from './consent'
import { tokenFromIntegrations } from './integrations'
import { prefixed, say, type KnownUser, type Log } from './types'

/*
 * What both device faces share to get going and to read an analytics-next Context for the widget controller.
 * The plugin and the browser destination's actions import this, never each other.
 */

/** A Context's log as the controller's `Log`. */
export const contextLog = (ctx: Context): Log => ctx.log.bind(ctx)

/** `page` naming like Segment's classic integration: `category name`, the name, then the page title. */
export const pageName = (name: unknown, category: unknown, title: unknown): string =>
  [category, name].filter((part) => typeof part === 'string' && part).join(' ') ||
  (typeof title === 'string' && title) ||
  (globalThis.document?.title ?? '')

/** The user an event speaks of, for the controller (no event: only whom analytics knows). */
export const userOf = (ctx: Context | undefined, userId: unknown, traits: unknown): KnownUser => ({
  userId,
  traits,
  token: ctx && tokenFromIntegrations(ctx),
  campaignSource: ctx?.event.context?.campaign?.source
})

/** The user analytics knows, for the identify a first page makes; undefined when there is no user id. */
export const knownUser = (ctx: Context | undefined, userId: unknown, analytics: Analytics): KnownUser | undefined =>
  isAbsent(userId) ? undefined : userOf(ctx, userId, analytics.user().traits())

/**
 * What both faces do to get going: check the settings before the page is touched (an invalid embedId never
 * reaches a script URL), follow analytics' `reset`, identify a returning user, and start the widget. With
 * consentCategories the start waits for the first event that grants them (widget/consent.ts), and the user
 * identified first is whom analytics knows then. Rejects with the SettingsError naming the setting and the rule.
 */
export async function connectDrift(settings: unknown, analytics: Analytics, log: Log): Promise<DriftClient> {
  let client: DriftClient
  try {
    client = createDriftClient(checkDeviceSettings(settings))
  } catch (error) {
    say(log, 'error', prefixed((error as Error).message))
    throw error
  }
  // Before consent nothing is on the page to reset: the controller's failure is ignored like any other.
  analytics.on('reset', () => void client.reset().catch(() => {}))
  let started: Promise<void> | undefined
  // With consent, the first event granted starts the widget, once; whom analytics knows then is identified.
  const start = (ctx?: Context) =>
    (started ??= client.start(knownUser(ctx, analytics.user().id(), analytics), analytics, ctx ? contextLog(ctx) : log))
  if (client.settings.consentCategories.length) held.set(client, start)
  else await start()
  return client
}
