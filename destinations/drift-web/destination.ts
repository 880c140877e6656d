import { browserDestination } from '@segment/browser-destination-runtime/shim'
import type { BrowserActionDefinition, BrowserDestinationDefinition } from '@segment/browser-destination-runtime/types'
import { deviceSettingFields } from '../../shared/device-settings-text'
import { defaultMappings } from './default-mappings'
import type { Settings } from './generated-types'
import identifyCompany from './identifyCompany'
import identifyUser from './identifyUser'
import setUserAttributes from './setUserAttributes'
import trackEvent from './trackEvent'
import trackPage from './trackPage'
import type { DriftClient } from './widget/client'
import { connectDrift } from './widget/connect'
import { consented } from './widget/consent'
import { DESTINATION_NAME, keptFromDrift } from './widget/integrations'

/**
 * The runtime's `initialize` would load the widget at once: with consentCategories it only prepares the
 * controller (connectDrift), and each action first asks the same consent check as driftPlugin, which starts
 * the widget on the first event granted. Events kept from Drift (integrations) never start it: the runtime's
 * plugins are named "Drift Web (Actions) <action>", so analytics-next does not apply `integrations.Drift: false`
 * to them, and this is the one place every action checks it (widget events carry it, and must not echo).
 */
function gated<P>(
  action: BrowserActionDefinition<Settings, DriftClient, P>
): BrowserActionDefinition<Settings, DriftClient, P> {
  return {
    ...action,
    perform: async (drift, data) => {
      if (keptFromDrift(data.context) || !(await consented(drift, data.context))) return
      return action.perform(drift, data)
    }
  }
}

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
    identifyUser: gated(identifyUser),
    setUserAttributes: gated(setUserAttributes),
    trackEvent: gated(trackEvent),
    trackPage: gated(trackPage),
    identifyCompany: gated(identifyCompany)
  }
}

export default browserDestination(driftBrowserDestination)
