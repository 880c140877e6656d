import type { BrowserActionDefinition } from '@segment/browser-destination-runtime/types'
import { PayloadValidationError, optionalObject, optionalString } from '../action-input'
import type { Settings } from '../generated-types'
import { contextLog } from '../widget/connect'
import type { DriftClient } from '../widget/client'
import type { Payload } from './generated-types'

const action: BrowserActionDefinition<Settings, DriftClient, Payload> = {
  title: 'Track Event',
  description: 'Send an event to Drift with drift.track.',
  defaultSubscription: 'type = "track"',
  platform: 'web',
  fields: {
    event_name: {
      label: 'Event Name',
      description: 'The name of the event. Drift recommends reusing event names and varying the properties.',
      type: 'string',
      required: true,
      default: { '@path': '$.event' }
    },
    properties: {
      label: 'Properties',
      description:
        'Properties of the event. Drift takes a flat object: nested objects are flattened, arrays joined and dates become timestamps.',
      type: 'object',
      required: false,
      default: { '@path': '$.properties' }
    }
  },
  perform: (drift, { payload, context }) => {
    const event = optionalString(payload.event_name, 'event_name')
    if (!event || event.trim() === '') throw new PayloadValidationError('event_name is required')
    return drift.track(event, optionalObject(payload.properties, 'properties'), contextLog(context))
  }
}

export default action
