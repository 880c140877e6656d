import { PayloadValidationError } from '@segment/actions-core'
import type { CloudSettings, DriftAttributes } from '../../../shared'
import { fingerprintOf } from '../caches'
import type { DriftApi } from '../drift-api'
import { DriftRetryableError } from '../errors'
import { knownContact, rememberContactId, withContactId, type ContactKey } from '../resolve-contact'

export interface UpsertOutcome {
  contactId: string
  /**
   * `skipped`: nothing was sent, because there was nothing to write or this process last wrote exactly these
   * attributes to the contact (every write keeps a Drift contact active, i.e. billed).
   */
  action: 'updated' | 'created' | 'skipped'
}

/**
 * Finds the contact (cache, else one lookup) and PATCHes it; if Drift has none, creates it with POST /contacts,
 * which needs an email. A create Drift refuses as a duplicate is followed by one lookup and an update, never a
 * permanent failure. A cached id Drift no longer knows (404) is forgotten and looked up again once.
 * `attributes` must not hold `externalId`: it comes from `userId` only.
 */
export async function upsertContact(
  api: DriftApi,
  settings: CloudSettings,
  userId: string | undefined,
  email: string | undefined,
  attributes: DriftAttributes
): Promise<UpsertOutcome> {
  const key: ContactKey | undefined =
    userId !== undefined ? { externalId: userId } : email !== undefined ? { email } : undefined
  if (key === undefined) {
    throw new PayloadValidationError('upsertContact needs a user id (external_id) or an email to find the contact')
  }
  const fingerprint = fingerprintOf(attributes)
  const cached = knownContact(settings, key)
  if (cached?.fingerprint === fingerprint) return { contactId: cached.id, action: 'skipped' }

  const updated = await updateExisting(api, settings, key, attributes, fingerprint)
  if (updated) return updated

  if (email === undefined) {
    throw new PayloadValidationError(
      `Drift needs an email to create a contact: no contact has externalId "${userId}" yet and the event has no email`
    )
  }
  const created = await api.createContact(userId !== undefined ? { ...attributes, externalId: userId } : attributes)
  if ('contact' in created) {
    rememberContactId(settings, key, created.contact.id, fingerprint)
    return { contactId: created.contact.id, action: 'created' }
  }
  // Drift says the contact exists (created meanwhile, or an email duplicate): update that one instead.
  const after = await updateExisting(api, settings, key, attributes, fingerprint)
  if (after) return after
  if (created.existingContactId !== undefined && (await api.updateContact(created.existingContactId, attributes))) {
    rememberContactId(settings, key, created.existingContactId, fingerprint)
    return { contactId: created.existingContactId, action: 'updated' }
  }
  // Drift says it exists but cannot show it yet (its lookups may lag a create): a retry will find it.
  throw new DriftRetryableError(
    `Drift refused to create the contact as a duplicate (${created.conflict}) but its lookup does not find it yet`,
    503
  )
}

/** Updates the user's contact when Drift has one (see withContactId); undefined when it has none. */
function updateExisting(
  api: DriftApi,
  settings: CloudSettings,
  key: ContactKey,
  attributes: DriftAttributes,
  fingerprint: string
): Promise<UpsertOutcome | undefined> {
  return withContactId(api, settings, key, async (id): Promise<UpsertOutcome | undefined> => {
    if (Object.keys(attributes).length === 0) return { contactId: id, action: 'skipped' }
    if (!(await api.updateContact(id, attributes))) return undefined
    rememberContactId(settings, key, id, fingerprint)
    return { contactId: id, action: 'updated' }
  })
}
