import type { BrowserActionDefinition } from '@segment/browser-destination-runtime/types'
import { PayloadValidationError, optionalObject, optionalString } from '../action-input'
import type { Settings } from '../generated-types'
import { contextLog } from '../widget/connect'
import type { DriftClient } from '../widget/client'
import type { Payload } from './generated-types'

const action: BrowserActionDefinition<Settings, DriftClient, Payload> = {
  title: 'Identify Company',
  description:
    'Set the company of the visitor as visitor attributes: company_id, company_name and every other group trait under company_.',
  defaultSubscription: 'type = "group"',
  platform: 'web',
  fields: {
    group_id: {
      label: 'Group ID',
      description: 'Your id for the company, sent as company_id.',
      type: 'string',
      required: true,
      default: { '@path': '$.groupId' }
    },
    traits: {
      label: 'Company Traits',
      description:
        'Attributes of the company, each sent as company_<name> (name becomes company_name), flattened, dates as timestamps.',
      type: 'object',
      required: false,
      default: { '@path': '$.traits' }
    }
  },
  perform: (drift, { payload, context }) => {
    const groupId = optionalString(payload.group_id, 'group_id')
    if (!groupId) throw new PayloadValidationError('group_id is required')
    return drift.group(groupId, optionalObject(payload.traits, 'traits'), contextLog(context))
  }
}

export default action
