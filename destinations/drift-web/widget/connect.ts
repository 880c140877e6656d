import type { Analytics } from '@segment/analytics-next'
import { DEVICE_SETTINGS, checkDeviceSettings, unknownSettings } from '../../../shared/settings-rules'
import { createDriftClient, type DriftClient } from './client'
import { holdUntilConsent } from './consent'
import { contextLog, knownUser } from './context'
import { prefixed, type Log } from './types'

/**
 * What both faces do to get going: check the settings before the page is touched (an invalid embedId never
 * reaches a script URL), follow analytics' `reset`, identify a returning user, and start the widget. With
 * consentCategories the start waits for the first event that grants them (widget/consent.ts), and the user
 * identified first is whom analytics knows then. Rejects with the SettingsError naming the setting and the rule.
 */
export async function connectDrift(settings: unknown, analytics: Analytics, log: Log): Promise<DriftClient> {
  let checked
  try {
    checked = checkDeviceSettings(settings)
  } catch (error) {
    const message = prefixed((error as Error).message)
    console.error(message)
    log('error', message)
    throw error
  }
  const client = createDriftClient(checked)
  const user = analytics.user()
  // Before consent nothing is on the page to reset: the controller's failure is ignored like any other.
  analytics.on('reset', () => void client.reset().catch(() => {}))
  if (checked.consentCategories.length) {
    holdUntilConsent(client, (ctx) => client.start(knownUser(ctx, user.id(), analytics), analytics, contextLog(ctx)))
  } else {
    const userId = user.id()
    await client.start(userId ? { userId, traits: user.traits() } : undefined, analytics, log)
  }
  return client
}

/**
 * Settings written by hand (the plugin face) that are no Drift setting, said once on the console and in the log:
 * `requireSignedIdentiy: true` must not pass for protection. (A catalog's settings carry the runtime's own keys,
 * so the browser destination does not call this.)
 */
export function reportUnknownSettings(settings: unknown, log: Log): void {
  for (const key of unknownSettings(DEVICE_SETTINGS, settings)) {
    const message = prefixed(
      process.env.NODE_ENV !== 'production'
        ? `the setting "${key}" is not a Drift setting and is ignored (check its spelling)`
        : `unknown-setting ${key}`
    )
    console.warn(message)
    log('warn', message)
  }
}
