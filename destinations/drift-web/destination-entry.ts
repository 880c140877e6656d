/**
 * `drift-analytics-destination/web/destination`: the catalog face of device mode, as Segment's browser
 * destinations export it: `destination` (the BrowserDestinationDefinition, which Segment's tools read first) and
 * the default export `browserDestination(destination)`, the plugin factory. It carries Segment's browser runtime.
 */
export { driftBrowserDestination as destination, driftBrowserDestination, default } from './destination'
export type { Settings } from './generated-types'
export type { DeviceSettings, DeviceSettingsInput, SignedIdentityResolver } from '../../shared/settings-rules'
