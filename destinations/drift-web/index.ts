/**
 * The browser entry of the Drift destination. Two faces over one widget controller and one mapping core:
 * - `driftPlugin(settings)`: an analytics-next Plugin (`analytics.register(driftPlugin({ embedId }))`). For the
 *   smallest bundle import it from `destinations/drift-web/plugin` (no Segment runtime or actions-core).
 * - `driftBrowserDestination` / the default export: a Segment BrowserDestinationDefinition, wrapped with
 *   `browserDestination()` for catalogs with per-field mappings.
 */
export { driftPlugin, pageName, PLUGIN_VERSION, type DriftPlugin } from './plugin'
export { driftBrowserDestination, default } from './destination'
export { DriftClient, MAX_HELD_CALLS, type KnownUser } from './widget/client'
export { widgetEventName } from './widget/events'
export { widgetScriptUrl } from './widget/load'
export type { Settings } from './generated-types'
export type { DeviceSettings, DeviceSettingsInput, SignedIdentityResolver } from '../../shared/settings-rules'
