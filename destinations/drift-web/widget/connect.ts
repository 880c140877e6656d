import { DEV } from '../../../shared/dev'
import type { Analytics } from '@segment/analytics-next'
import { DEVICE_SETTINGS, checkDeviceSettings, unknownSettings } from '../../../shared/settings-rules'
import { createDriftClient, type DriftClient, type KnownUser } from './client'
import { holdUntilConsent } from './consent'
import { contextLog, knownUser } from './context'
import { forwardWidgetEvent } from './events'
import { PREFIX, warning, type Log } from './types'

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
    const message = `${PREFIX} ${(error as Error).message}; the Drift widget is not loaded`
    console.error(message)
    log('error', message)
    throw error
  }
  const client = createDriftClient(checked)
  // Before consent nothing is on the page to reset: the controller's failure is ignored like any other.
  analytics.on('reset', () => void client.reset().catch(() => {}))
  const identifyOnEmailCapture = checked.identifyOnEmailCapture
  const start = (user: KnownUser | undefined, startLog: Log) =>
    client.start(
      user,
      (name, payload) => forwardWidgetEvent(analytics, name, payload, identifyOnEmailCapture),
      startLog
    )
  if (checked.consentCategories.length > 0) {
    holdUntilConsent(client, (ctx, keys) =>
      start(knownUser(ctx, analytics.user().id(), analytics, keys), contextLog(ctx))
    )
    return client
  }
  const userId = analytics.user().id()
  await start(userId ? { userId, traits: analytics.user().traits() } : undefined, log)
  return client
}

/**
 * Settings written by hand (the plugin face) that are no Drift setting, said once on the console and in the log:
 * `requireSignedIdentiy: true` must not pass for protection. (A catalog's settings carry the runtime's own keys,
 * so the browser destination does not call this.)
 */
export function reportUnknownSettings(settings: unknown, log: Log): void {
  for (const key of unknownSettings(DEVICE_SETTINGS, settings)) {
    const message = warning(
      DEV ? `the setting "${key}" is not a Drift setting and is ignored (check its spelling)` : `unknown-setting ${key}`
    )
    console.warn(message)
    log('warn', message)
  }
}
