import type { ActionDefinition } from '@segment/actions-core'
import { PayloadValidationError } from '@segment/actions-core'
import { DriftApi } from '../drift-api'
import { cloudSettings } from '../settings'
import { withConsent } from '../consent'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { customPropertiesOf, domainOf, ownerIdOf, upsertAccount } from './account'
import { isAbsent, isNullish } from '../../../shared/absent'

const action: ActionDefinition<Settings, Payload> = {
  title: 'Upsert Account',
  description:
    'Create a Drift account for a group (unique by domain), or update it when it exists: by the mapped account id, the id Drift gives, or its <orgId>_<domain> id.',
  defaultSubscription: 'type = "group"',
  fields: {
    domain: {
      label: 'Domain',
      description: "The account's unique domain: a website such as https://www.example.com/about becomes example.com.",
      type: 'string',
      required: false,
      default: {
        '@if': {
          exists: { '@path': '$.traits.website' },
          then: { '@path': '$.traits.website' },
          else: { '@path': '$.traits.domain' }
        }
      }
    },
    account_id: {
      label: 'Account Id',
      description:
        "Drift's id for the account (as in Drift, e.g. 123458_example.com), for accounts created outside this destination: the account is updated by it.",
      type: 'string',
      required: false
    },
    name: {
      label: 'Name',
      description: 'The account name.',
      type: 'string',
      required: false,
      default: { '@path': '$.traits.name' }
    },
    owner_id: {
      label: 'Owner Id',
      description: 'The Drift user id who owns the account; without it, the Account Owner Id setting.',
      type: 'string',
      required: false
    },
    targeted: {
      label: 'Targeted',
      description: 'Whether the account is a target account in Drift.',
      type: 'boolean',
      required: false
    },
    custom_properties: {
      label: 'Custom Properties',
      description:
        'Sent as Drift custom properties, flattened by the mapping core; the id, name, domain and website traits are left out.',
      type: 'object',
      required: false,
      defaultObjectUI: 'keyvalue',
      default: { '@path': '$.traits' }
    }
  },

  perform: async (request, { payload, settings }) => {
    const config = cloudSettings(settings)
    const ownerId = ownerIdOf(payload.owner_id, config)
    const domain = domainOf(payload.domain)
    if (domain === undefined) {
      throw new PayloadValidationError(
        isAbsent(payload.domain)
          ? 'upsertAccount needs a domain: map the website or domain trait'
          : 'domain must be a domain name or a website URL, such as example.com'
      )
    }
    const { customProperties, warnings } = customPropertiesOf(payload.custom_properties, config)
    const outcome = await upsertAccount(new DriftApi(request, config), config, {
      ownerId,
      domain,
      name: typeof payload.name === 'string' && payload.name.trim() !== '' ? payload.name : undefined,
      customProperties,
      targeted: payload.targeted,
      ...(accountIdField(payload.account_id) ?? {})
    })
    return { ...outcome, warnings }
  }
}

/** A mapped account id, trimmed; blank means none. Drift's ids are `<orgId>_<domain>` text or whole numbers. */
function accountIdField(value: unknown): { accountId: string } | undefined {
  if (isNullish(value)) return undefined
  const text = String(value).trim()
  if (text === '') return undefined
  if (text.length > 300 || /[\s/?#]/.test(text)) {
    throw new PayloadValidationError(
      'account_id must be a Drift account id such as 123458_example.com (no spaces or /?#)'
    )
  }
  return { accountId: text }
}

export default withConsent(action)
