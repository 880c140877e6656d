import type { Analytics } from '@segment/analytics-next'
import { checkDeviceSettings } from '../../../shared/settings-rules'
import { DriftClient } from './client'
import { forwardWidgetEvent } from './events'
import { PREFIX, type Log } from './types'

/**
 * What both faces do to get going: check the settings before the page is touched (an invalid embedId never
 * reaches a script URL), follow analytics' `reset`, identify a returning user, and start the widget.
 * Rejects with the SettingsError naming the setting and the rule.
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
  const client = new DriftClient(checked)
  analytics.on('reset', () => void client.reset().catch(() => {}))
  const userId = analytics.user().id()
  const returning = userId ? { userId, traits: analytics.user().traits() } : undefined
  const identifyOnEmailCapture = checked.identifyOnEmailCapture
  await client.start(
    returning,
    (name, payload) => forwardWidgetEvent(analytics, name, payload, identifyOnEmailCapture),
    log
  )
  return client
}
