import { IntegrationError, PayloadValidationError } from '@segment/actions-core'
import type { CloudSettings, DriftAttributes } from '../../../shared'
import type { DriftApi } from '../drift-api'
import { findContactId, forgetContactId, rememberContactId, type ContactKey } from '../resolve-contact'

export interface UpsertOutcome {
  contactId: string
  /** `skipped`: the contact exists and there was nothing to write (no PATCH with empty attributes). */
  action: 'updated' | 'created' | 'skipped'
}

/**
 * Finds the contact (cache, else one lookup) and PATCHes it; if Drift has none, creates it with POST /contacts,
 * which needs an email. A cached id Drift no longer knows (404) is forgotten and looked up again once.
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

  const updated = await updateExisting(api, settings, key, attributes)
  if (updated) return updated

  if (email === undefined) {
    throw new PayloadValidationError(
      `Drift needs an email to create a contact: no contact has externalId "${userId}" yet and the event has no email`
    )
  }
  const created = await api.createContact(userId !== undefined ? { ...attributes, externalId: userId } : attributes)
  if ('contact' in created) {
    rememberContactId(settings, key, created.contact.id)
    return { contactId: created.contact.id, action: 'created' }
  }
  // Drift says the contact exists (created meanwhile, or an email duplicate): update that one instead.
  const after = await updateExisting(api, settings, key, attributes)
  if (after) return after
  throw new IntegrationError(`Drift refused to create the contact: ${created.conflict}`, 'CONFLICT', 409)
}

async function updateExisting(
  api: DriftApi,
  settings: CloudSettings,
  key: ContactKey,
  attributes: DriftAttributes
): Promise<UpsertOutcome | undefined> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const found = await findContactId(api, settings, key)
    if (!found) return undefined
    if (Object.keys(attributes).length === 0) return { contactId: found.id, action: 'skipped' }
    const contact = await api.updateContact(found.id, attributes)
    if (contact) return { contactId: found.id, action: 'updated' }
    // Drift no longer has this contact (deleted or merged): forget it; a cached id gets one more lookup.
    forgetContactId(settings, key)
    if (!found.cached) return undefined
  }
  return undefined
}
