import { browserDestination } from '@segment/browser-destination-runtime/shim'
import type { BrowserDestinationDefinition } from '@segment/browser-destination-runtime/types'
import { deviceSettingFields } from '../../shared/device-settings-text'
import { DESTINATION_NAME } from './action-input'
import { defaultMappings } from './default-mappings'
import type { Settings } from './generated-types'
import identifyCompany from './identifyCompany'
import identifyUser from './identifyUser'
import setUserAttributes from './setUserAttributes'
import trackEvent from './trackEvent'
import trackPage from './trackPage'
import type { DriftClient } from './widget/client'
import { connectDrift } from './widget/connect'

/**
 * Drift's widget as a Segment browser (device-mode) destination, for a catalog with per-field mappings. It
 * drives the same widget controller and mapping core as `driftPlugin`. Settings are checked by the same rules
 * (shared/settings-rules.ts, their texts in shared/device-settings-text.ts); a `signedIdentity(userId)` resolver can be passed when registering by hand.
 */
export const driftBrowserDestination: BrowserDestinationDefinition<Settings, DriftClient> = {
  name: DESTINATION_NAME,
  slug: 'actions-drift-web',
  mode: 'device',
  description: "Load Drift's chat widget and send it who the visitor is, their attributes, events and pages.",
  presets: [
    {
      name: 'Identify User',
      subscribe: 'type = "identify"',
      partnerAction: 'identifyUser',
      mapping: defaultMappings(identifyUser.fields),
      type: 'automatic'
    },
    {
      name: 'Track Event',
      subscribe: 'type = "track"',
      partnerAction: 'trackEvent',
      mapping: defaultMappings(trackEvent.fields),
      type: 'automatic'
    },
    {
      name: 'Track Page',
      subscribe: 'type = "page"',
      partnerAction: 'trackPage',
      mapping: defaultMappings(trackPage.fields),
      type: 'automatic'
    },
    {
      name: 'Identify Company',
      subscribe: 'type = "group"',
      partnerAction: 'identifyCompany',
      mapping: defaultMappings(identifyCompany.fields),
      type: 'automatic'
    }
  ],
  settings: deviceSettingFields(),

  initialize: ({ settings, analytics }) => connectDrift(settings, analytics, () => {}),

  actions: {
    identifyUser,
    setUserAttributes,
    trackEvent,
    trackPage,
    identifyCompany
  }
}

export default browserDestination(driftBrowserDestination)
