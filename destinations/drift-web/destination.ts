import { browserDestination } from '@segment/browser-destination-runtime/shim'
import type { BrowserDestinationDefinition } from '@segment/browser-destination-runtime/types'
import { DEVICE_SETTINGS } from '../../shared/settings-rules'
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
 * (shared/settings-rules); a `signedIdentity(userId)` resolver can be passed when registering by hand.
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
  settings: {
    embedId: {
      label: 'Embed ID',
      description:
        'The embed id of your Drift widget (Drift > Settings > Widget > Install), e.g. buvw2r8z43np. Letters, digits and "-" only.',
      type: 'string',
      required: true
    },
    scriptOrigin: {
      label: 'Widget Script Origin',
      description:
        "Where the widget script is loaded from (https, or http on localhost for a sandbox). Change it only to serve Drift's widget yourself.",
      type: 'string',
      required: false,
      default: DEVICE_SETTINGS.scriptOrigin.default
    },
    identityMode: {
      label: 'Identity Mode',
      description:
        'identify: users with a user id are tied to it with drift.identify (use only ids unique to one person). attributes: everything is sent as visitor attributes, never tied to an id.',
      type: 'string',
      required: false,
      choices: [
        { label: 'Identify users by user id', value: 'identify' },
        { label: 'Visitor attributes only', value: 'attributes' }
      ],
      default: DEVICE_SETTINGS.identityMode.default
    },
    dateUnit: {
      label: 'Date Unit',
      description: 'How dates are sent: Unix seconds (as Segment’s classic Drift integration) or milliseconds.',
      type: 'string',
      required: false,
      choices: [
        { label: 'Seconds', value: 'seconds' },
        { label: 'Milliseconds', value: 'milliseconds' }
      ],
      default: DEVICE_SETTINGS.dateUnit.default
    },
    separator: {
      label: 'Nested Key Separator',
      description: 'Joins the keys of nested objects: address.city becomes address_city. 1 to 3 symbols.',
      type: 'string',
      required: false,
      default: DEVICE_SETTINGS.separator.default
    },
    widgetEvents: {
      label: 'Widget Events to Track',
      description:
        'Drift widget events (e.g. startConversation, emailCapture, scheduling:meetingBooked) sent into analytics as "Drift <Readable Name>" track calls, marked so they never go back into Drift.',
      type: 'string',
      multiple: true,
      required: false
    },
    identifyOnEmailCapture: {
      label: 'Identify Captured Emails',
      description: 'When the widget captures an email (emailCapture), also call analytics.identify with it.',
      type: 'boolean',
      required: false,
      default: DEVICE_SETTINGS.identifyOnEmailCapture.default
    },
    requireSignedIdentity: {
      label: 'Require Signed Identity',
      description:
        'Send identify only with a signed identity (JWT). Turn on when Drift requires signed identities; unsigned identify calls are then skipped with a warning.',
      type: 'boolean',
      required: false,
      default: DEVICE_SETTINGS.requireSignedIdentity.default
    },
    signedIdentityTimeoutMs: {
      label: 'Signed Identity Timeout (ms)',
      description: 'How long to wait for the signedIdentity resolver before going on without a token.',
      type: 'number',
      required: false,
      default: DEVICE_SETTINGS.signedIdentityTimeoutMs.default
    },
    readyTimeoutMs: {
      label: 'Widget Ready Timeout (ms)',
      description:
        'If the widget is not ready within this time, the failure is reported and later calls fail instead of queueing.',
      type: 'number',
      required: false,
      default: DEVICE_SETTINGS.readyTimeoutMs.default
    },
    blockedUserIds: {
      label: 'Blocked User IDs',
      description:
        'User ids never sent to Drift (shared demo accounts): visitors sharing an id see each other’s chats. Compared case-insensitively; entries must not be blank or padded with spaces.',
      type: 'string',
      multiple: true,
      required: false
    }
  },

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
