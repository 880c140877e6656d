import type { BrowserActionDefinition } from '@segment/browser-destination-runtime/types'
import { PayloadValidationError, optionalObject } from '../action-input'
import type { Settings } from '../generated-types'
import { contextLog } from '../widget/connect'
import type { DriftClient } from '../widget/client'
import type { Payload } from './generated-types'

const action: BrowserActionDefinition<Settings, DriftClient, Payload> = {
  title: 'Set User Attributes',
  description:
    'Set attributes on the current visitor with drift.api.setUserAttributes, without tying them to a user id. Calls wait for the widget to be ready and are sent once, in order.',
  platform: 'web',
  fields: {
    attributes: {
      label: 'Attributes',
      description:
        'Attributes of the visitor. Spec traits get Drift names, nested objects are flattened and dates become timestamps.',
      type: 'object',
      required: true,
      default: { '@path': '$.traits' }
    },
    campaign_source: {
      label: 'Campaign Source',
      description: 'The UTM source. Sent as the recent_source attribute unless the attributes give one.',
      type: 'string',
      required: false,
      default: { '@path': '$.context.campaign.source' }
    }
  },
  perform: (drift, { payload, context }) => {
    const attributes = optionalObject(payload.attributes, 'attributes')
    if (!attributes) throw new PayloadValidationError('attributes is required')
    return drift.setAttributes(attributes, payload.campaign_source, contextLog(context))
  }
}

export default action
