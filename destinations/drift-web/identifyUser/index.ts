import type { BrowserActionDefinition } from '@segment/browser-destination-runtime/types'
import { optionalObject, optionalString } from '../action-input'
import type { Settings } from '../generated-types'
import { contextLog } from '../widget/connect'
import type { DriftClient } from '../widget/client'
import { tokenFromIntegrations } from '../widget/integrations'
import type { Payload } from './generated-types'

const action: BrowserActionDefinition<Settings, DriftClient, Payload> = {
  title: 'Identify User',
  description:
    'Tie the visitor to your user id with drift.identify, or set visitor attributes when there is no user id.',
  defaultSubscription: 'type = "identify"',
  platform: 'web',
  fields: {
    user_id: {
      label: 'User ID',
      description:
        'Your unique id for the user. Drift ties the visitor to it; placeholders and blocked ids are refused. Without a user id (or in identity mode "attributes") the traits are sent as visitor attributes once the widget is ready.',
      type: 'string',
      required: false,
      allowNull: true,
      default: { '@path': '$.userId' }
    },
    traits: {
      label: 'Traits',
      description:
        'Attributes of the user. The id trait is removed, spec traits get Drift names (firstName → first_name, createdAt → start_date), nested objects are flattened and dates become timestamps.',
      type: 'object',
      required: false,
      default: { '@path': '$.traits' }
    },
    user_jwt: {
      label: 'Signed Identity',
      description:
        'A JWT your backend signed for this user (HS256, sub = user id), sent to Drift as userJwt. When empty, integrations.Drift.userJwt (or signedIdentity, jwt) and then the signedIdentity setting are used.',
      type: 'string',
      required: false,
      default: { '@path': '$.integrations.Drift.userJwt' }
    },
    campaign_source: {
      label: 'Campaign Source',
      description: 'The UTM source. Sent as the recent_source attribute unless the traits give one.',
      type: 'string',
      required: false,
      default: { '@path': '$.context.campaign.source' }
    }
  },
  perform: (drift, { payload, context }) =>
    drift.identify(
      {
        userId: optionalString(payload.user_id, 'user_id'),
        traits: optionalObject(payload.traits, 'traits'),
        token: optionalString(payload.user_jwt, 'user_jwt') ?? tokenFromIntegrations(context),
        campaignSource: payload.campaign_source
      },
      contextLog(context)
    )
}

export default action
