import type { ActionDefinition, JSONLikeObject } from '@segment/actions-core'
import {
  SPEC_TRAITS,
  flattenOptionsOf,
  normalizeEmail,
  toDriftContactAttributes,
  type CloudSettings,
  type DriftAttributes
} from '../../../shared'
import { groupBy, prepareEach, runBatch, userLaneKey, type BatchTask } from '../batch'
import { DriftApi } from '../drift-api'
import { checkedUserId } from '../event-fields'
import { warningLines } from '../mapping'
import { cloudSettings } from '../settings'
import { withConsent } from '../consent'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { upsertContact } from './upsert'
import { isNullish } from '../../../shared/absent'

/** Fields named like Drift's default attributes; each replaces the spec trait it comes from (firstName…). */
const NAMED_FIELDS = ['email', 'name', 'first_name', 'last_name', 'phone', 'start_date'] as const

interface PreparedContact {
  userId?: string
  email?: string
  attributes: DriftAttributes
  warnings: string[]
}

/** The payload as Drift attributes, through the mapping core (which never takes `externalId` from traits). */
export function prepareContact(payload: Payload, settings: CloudSettings): PreparedContact {
  const warnings: string[] = []
  const userId = checkedUserId(payload.external_id, settings, warnings)
  const traits: Record<string, unknown> = { ...(payload.custom_attributes ?? {}) }
  for (const field of NAMED_FIELDS) {
    const value = payload[field]
    if (isNullish(value)) continue
    const specTrait: string | undefined = SPEC_TRAITS[field]
    if (specTrait && specTrait !== field) delete traits[specTrait]
    traits[field] = value
  }
  const mapped = toDriftContactAttributes(traits, {
    ...flattenOptionsOf(settings),
    campaignSource: payload.recent_source
  })
  const attributes = mapped.attributes
  warnings.push(...warningLines(mapped.warnings, 'traits'))
  return { userId, email: normalizeEmail(attributes.email), attributes, warnings }
}

const action: ActionDefinition<Settings, Payload> = {
  title: 'Upsert Contact',
  description:
    'Create or update a Drift contact: found by your user id (externalId), or by email without one, then updated; created when missing (Drift needs an email for that).',
  defaultSubscription: 'type = "identify"',
  fields: {
    external_id: {
      label: 'External Id',
      description:
        "Your unique id for the user, sent as Drift's externalId. The contact is found by it; without it, by email.",
      type: 'string',
      required: false,
      default: { '@path': '$.userId' }
    },
    email: {
      label: 'Email',
      description:
        'The contact email. Drift needs it to create a contact; without a user id the contact is found by it.',
      type: 'string',
      required: false,
      default: {
        '@if': {
          exists: { '@path': '$.traits.email' },
          then: { '@path': '$.traits.email' },
          else: { '@path': '$.context.traits.email' }
        }
      }
    },
    name: {
      label: 'Name',
      description: 'The full name, sent as the name attribute.',
      type: 'string',
      required: false,
      default: { '@path': '$.traits.name' }
    },
    first_name: {
      label: 'First Name',
      description: 'Sent as the first_name attribute (replaces the firstName trait).',
      type: 'string',
      required: false,
      default: { '@path': '$.traits.firstName' }
    },
    last_name: {
      label: 'Last Name',
      description: 'Sent as the last_name attribute (replaces the lastName trait).',
      type: 'string',
      required: false,
      default: { '@path': '$.traits.lastName' }
    },
    phone: {
      label: 'Phone',
      description: 'Sent as the phone attribute, as text.',
      type: 'string',
      required: false,
      default: { '@path': '$.traits.phone' }
    },
    start_date: {
      label: 'Start Date',
      description:
        'When the user signed up, sent as the start_date attribute: always epoch milliseconds (the unit Drift stores, whatever the Date Unit setting): an ISO-8601 date is converted, Unix seconds are multiplied by 1000.',
      type: 'datetime',
      required: false,
      default: { '@path': '$.traits.createdAt' }
    },
    recent_source: {
      label: 'Recent Source',
      description: 'Sent as the recent_source attribute (text) unless the traits give one.',
      type: 'string',
      required: false,
      default: { '@path': '$.context.campaign.source' }
    },
    custom_attributes: {
      label: 'Custom Attributes',
      description:
        'More attributes, flattened by the mapping core: nested keys joined with the separator, dates as timestamps, arrays as text. The id trait is dropped.',
      type: 'object',
      required: false,
      defaultObjectUI: 'keyvalue',
      default: { '@path': '$.traits' }
    }
  },

  perform: async (request, { payload, settings }) => {
    const config = cloudSettings(settings)
    const contact = prepareContact(payload, config)
    const outcome = await upsertContact(
      new DriftApi(request, config),
      config,
      contact.userId,
      contact.email,
      contact.attributes
    )
    return { ...outcome, warnings: contact.warnings }
  },

  /** Identifies for the same user are merged in order (later values win) into one upsert; each gets its outcome. */
  performBatch: async (request, { payload: payloads, settings }) => {
    const config = cloudSettings(settings)
    const api = new DriftApi(request, config)
    const { prepared, refused } = prepareEach(payloads, (payload) => prepareContact(payload, config))
    const lanes: BatchTask[][] = []
    for (const indices of groupBy(prepared.map(userLaneKey)).values()) {
      const group = indices.map((index) => prepared[index] as PreparedContact)
      const attributes: DriftAttributes = Object.assign({}, ...group.map((contact) => contact.attributes))
      const email = group
        .map((contact) => contact.email)
        .filter((e) => e !== undefined)
        .pop()
      const warnings = group.flatMap((contact) => contact.warnings)
      lanes.push([
        {
          indices,
          run: async () => {
            const outcome = await upsertContact(api, config, group[0].userId, email, attributes)
            return { ...outcome, mergedEvents: indices.length, warnings } as unknown as JSONLikeObject
          }
        }
      ])
    }
    return runBatch(payloads, lanes, refused)
  }
}

export default withConsent(action)
