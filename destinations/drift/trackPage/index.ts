import type { ActionDefinition, InputField } from '@segment/actions-core'
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
import { isNullish } from '../../../shared/absent'

const PAGE_FIELDS = ['url', 'path', 'title', 'referrer'] as const

/** `Page - <name>` (what Segment's retired Drift cloud mode sent), else `Page - <path>`, else `Page`. */
export function pageEventName(name: unknown, path: unknown): string {
  for (const part of [name, path]) {
    if (typeof part === 'string' && part.trim() !== '') return `Page - ${part.trim()}`
  }
  return 'Page'
}

export function prepareTrackPage(payload: Payload, settings: CloudSettings): TimelineEvent {
  const page: Record<string, unknown> = { ...(payload.properties ?? {}) }
  for (const field of PAGE_FIELDS) {
    if (!isNullish(payload[field])) page[field] = payload[field]
  }
  return prepareTimelineEvent(payload, settings, () => pageEventName(payload.name, payload.path), page)
}

/** `properties.<key>` when the page call has it, else `context.page.<key>`. */
function pageField(key: (typeof PAGE_FIELDS)[number], label: string, description: string): InputField {
  return {
    label,
    description,
    type: 'string',
    required: false,
    default: {
      '@if': {
        exists: { '@path': `$.properties.${key}` },
        then: { '@path': `$.properties.${key}` },
        else: { '@path': `$.context.page.${key}` }
      }
    }
  }
}

const action: ActionDefinition<Settings, Payload> = {
  title: 'Track Page',
  description:
    'Add a page view to the contact\'s Drift timeline as an event named "Page - <name>" (or the path), with url, path, title and referrer.',
  defaultSubscription: 'type = "page"',
  fields: {
    external_id: timelineExternalIdField,
    email: timelineEmailField({ '@path': '$.context.traits.email' }),
    name: {
      label: 'Page Name',
      description: 'The event is named "Page - <name>"; without a name, "Page - <path>".',
      type: 'string',
      required: false,
      default: { '@path': '$.name' }
    },
    url: pageField('url', 'URL', 'The page URL, sent as the url attribute.'),
    path: pageField(
      'path',
      'Path',
      'The page path, sent as the path attribute and used in the event name without a page name.'
    ),
    title: pageField('title', 'Title', 'The page title, sent as the title attribute.'),
    referrer: pageField('referrer', 'Referrer', 'The referring URL, sent as the referrer attribute.'),
    timestamp: {
      label: 'Timestamp',
      description: "When the page was viewed (ISO-8601), sent as createdAt in milliseconds, Drift's unit.",
      type: 'datetime',
      required: false,
      default: { '@path': '$.timestamp' }
    },
    properties: {
      label: 'Properties',
      description: 'Other page properties, flattened by the mapping core like event properties.',
      type: 'object',
      required: false,
      defaultObjectUI: 'keyvalue',
      default: { '@path': '$.properties' }
    }
  },

  ...timelineHandlers(prepareTrackPage)
}

export default withConsent(action)
