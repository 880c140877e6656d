import { IntegrationError, defaultValues } from '@segment/actions-core'
import type { DestinationDefinition } from '@segment/actions-core'
import { cloudSettingFields } from '../../shared'
import { deleteUser } from './delete-user'
import { DriftApi } from './drift-api'
import { cloudSettings, isUsableToken } from './settings'
import type { Settings } from './generated-types'
import upsertContact from './upsertContact'
import trackEvent from './trackEvent'
import trackPage from './trackPage'
import upsertAccount from './upsertAccount'

/** Scopes every action needs; accounts also need account_write, checked when a group call first runs. */
export const REQUIRED_SCOPES = ['contact_read', 'contact_write'] as const

export const destination: DestinationDefinition<Settings> = {
  // actions-core uses the name as an ajv schema key (`<name>:<action title>`), which ajv's URI parser (fast-uri
  // 3.1.6 and later) reads as a URI scheme: a space or parenthesis there makes every event throw
  // "URI scheme is malformed." So the name is a valid URI scheme (letters, digits, '+', '-', '.').
  name: 'Drift-Actions',
  slug: 'actions-drift',
  mode: 'cloud',
  description:
    "Send identify, track, page and group calls to Drift's REST API: contacts, timeline events and accounts.",

  authentication: {
    scheme: 'custom',
    fields: cloudSettingFields(),
    testAuthentication: async (request, { settings }) => {
      const config = cloudSettings(settings)
      const { scopes } = await new DriftApi(request, config).tokenInfo()
      const missing = REQUIRED_SCOPES.filter((scope) => !scopes.includes(scope))
      if (missing.length > 0) {
        throw new IntegrationError(
          `The Drift token lacks the ${missing.join(' and ')} scope${missing.length > 1 ? 's' : ''}: ` +
            'add them to the Drift app and use its new token',
          'INSUFFICIENT_SCOPE',
          403
        )
      }
      return { scopes }
    }
  },

  extendRequest({ settings }) {
    // A token that cannot go in a header is left out here; the action then refuses the settings clearly.
    const token = settings?.apiToken
    const headers: Record<string, string> = { accept: 'application/json' }
    if (isUsableToken(token)) headers.authorization = `Bearer ${token}`
    return { headers, throwHttpErrors: false }
  },

  /** A user deletion request: see deleteUser (GDPR erasure with gdpr_write, else contact deletion). */
  onDelete: async (request, { settings, payload }) => ({ ...(await deleteUser(request, settings, payload.userId)) }),

  presets: [
    {
      name: 'Upsert Contact',
      subscribe: 'type = "identify"',
      partnerAction: 'upsertContact',
      mapping: defaultValues(upsertContact.fields),
      type: 'automatic'
    },
    {
      name: 'Track Event',
      subscribe: 'type = "track"',
      partnerAction: 'trackEvent',
      mapping: defaultValues(trackEvent.fields),
      type: 'automatic'
    },
    {
      name: 'Track Page',
      subscribe: 'type = "page"',
      partnerAction: 'trackPage',
      mapping: defaultValues(trackPage.fields),
      type: 'automatic'
    },
    {
      name: 'Upsert Account',
      subscribe: 'type = "group"',
      partnerAction: 'upsertAccount',
      mapping: defaultValues(upsertAccount.fields),
      type: 'automatic'
    }
  ],

  actions: {
    upsertContact,
    trackEvent,
    trackPage,
    upsertAccount
  }
}

export const driftCloudDestination = destination
export default destination

export { resetDriftCaches, CONTACT_CACHE_SIZE, ACCOUNT_CACHE_SIZE } from './caches'
export { onDriftRequest, DEFAULT_DRIFT_TIMEOUT_MS, type DriftRequestEvent } from './drift-api'
export { DriftRetryableError } from './errors'
export { classifyRetry, isRetryableStatus, parseRetryAfterMs, retryAfterMsOf, type RetryVerdict } from './retry'
export { BATCH_CONCURRENCY } from './batch'
export type { Settings } from './generated-types'
