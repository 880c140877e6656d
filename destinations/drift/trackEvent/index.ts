import type { ActionDefinition } from '@segment/actions-core'
import { PayloadValidationError } from '@segment/actions-core'
import type { CloudSettings } from '../../../shared'
import {
  prepareTimelineEvent,
  timelineEmailField,
  timelineExternalIdField,
  timelineHandlers,
  type TimelineEvent
} from '../timeline'
import { withConsent } from '../consent'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'

export function prepareTrackEvent(payload: Payload, settings: CloudSettings): TimelineEvent {
  return prepareTimelineEvent(payload, settings, () => eventNameOf(payload.event_name), payload.properties)
}

function eventNameOf(value: unknown): string {
  const event = typeof value === 'string' ? value.trim() : ''
  if (event === '') throw new PayloadValidationError('event_name is required: the name of the event (not blank)')
  return event
}

const action: ActionDefinition<Settings, Payload> = {
  title: 'Track Event',
  description:
    "Add an event to the contact's Drift timeline: one request, by your user id (externalId); without one the contact is found by email.",
  defaultSubscription: 'type = "track"',
  fields: {
    external_id: timelineExternalIdField,
    email: timelineEmailField({
      '@if': {
        exists: { '@path': '$.context.traits.email' },
        then: { '@path': '$.context.traits.email' },
        else: { '@path': '$.properties.email' }
      }
    }),
    event_name: {
      label: 'Event Name',
      description: 'The timeline event name (Drift shows it in lower case).',
      type: 'string',
      required: true,
      default: { '@path': '$.event' }
    },
    timestamp: {
      label: 'Timestamp',
      description: "When the event happened (ISO-8601), sent as createdAt in milliseconds, Drift's unit.",
      type: 'datetime',
      required: false,
      default: { '@path': '$.timestamp' }
    },
    properties: {
      label: 'Properties',
      description:
        'Event properties, flattened by the mapping core (nested keys joined with the separator, dates as timestamps in the Date Unit setting).',
      type: 'object',
      required: false,
      defaultObjectUI: 'keyvalue',
      default: { '@path': '$.properties' }
    }
  },

  ...timelineHandlers(prepareTrackEvent)
}

export default withConsent(action)
