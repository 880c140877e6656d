/**
 * `drift-analytics-destination/web`: the small face of device mode, `driftPlugin(settings)`, an analytics-next
 * Plugin (`analytics.register(driftPlugin({ embedId }))`). Nothing here imports Segment's runtime, actions-core
 * or liquidjs, so a site's bundle gets only the plugin, the widget controller and the mapping core it uses.
 * The Segment BrowserDestinationDefinition lives in `drift-analytics-destination/web/destination`.
 */
export { driftPlugin, pageName, PLUGIN_VERSION, type DriftPlugin } from './plugin'
export { createDriftClient, MAX_HELD_CALLS, type DriftClient } from './widget/client'
export type { KnownUser } from './widget/types'
export { widgetEventName } from './widget/events'
export { widgetScriptUrl } from './widget/stub'
export type { Settings } from './generated-types'
export type { DeviceSettings, DeviceSettingsInput, SignedIdentityResolver } from '../../shared/settings-rules'
