import { PayloadValidationError, type RequestClient } from '@segment/actions-core'
import { emailKeyOf, guardUserId, normalizeEmail } from '../../shared'
import { DriftApi } from './drift-api'
import { forgetContactId } from './resolve-contact'
import { cloudSettings } from './settings'
import { tokenFactsOf } from './token-facts'

export interface DeletionOutcome {
  /** Contacts erased through `POST /gdpr/delete` (by their email) or deleted with `DELETE /contacts/{id}`. */
  erasedContactIds: string[]
  deletedContactIds: string[]
  /** False when any contact was only deleted: Drift documents erasure of conversations for GDPR erasure only. */
  conversationsErased: boolean
  output: string
}

/**
 * A user deletion request. Only contacts whose externalId equals the user id are touched. With the gdpr_write
 * scope (token_info, cached) each one's email is erased with `POST /gdpr/delete`, which Drift documents as erasing
 * attributes, conversations and messages (of every contact with that email); contacts without an email, or every
 * contact without the scope, are deleted with `DELETE /contacts/{id}`, and the result says conversations remain.
 */
export async function deleteUser(
  request: RequestClient,
  settings: unknown,
  userId: string | null | undefined
): Promise<DeletionOutcome> {
  const config = cloudSettings(settings)
  const check = guardUserId(userId ?? undefined, { blockedIds: config.blockedUserIds })
  if (!check.ok) throw new PayloadValidationError(`onDelete needs the user's id: ${check.reason}`)
  const api = new DriftApi(request, config)
  const contacts = await api.findContacts({ externalId: check.id })
  const matching = contacts.filter(
    (c) => c.attributes.externalId !== undefined && String(c.attributes.externalId) === check.id
  )
  forgetContactId(config, { externalId: check.id })
  if (matching.length === 0) {
    return {
      erasedContactIds: [],
      deletedContactIds: [],
      conversationsErased: true,
      output: 'No Drift contact has this externalId: nothing to delete'
    }
  }

  const canErase = (await tokenFactsOf(api, config)).scopes.includes('gdpr_write')
  const erasedContactIds: string[] = []
  const deletedContactIds: string[] = []
  const erasedEmails = new Set<string>()
  for (const contact of matching) {
    const email = normalizeEmail(contact.attributes.email)
    const emailKey = emailKeyOf(email)
    if (canErase && email !== undefined && emailKey !== undefined) {
      if (!erasedEmails.has(emailKey)) await api.gdprDelete(email)
      erasedEmails.add(emailKey)
      erasedContactIds.push(contact.id)
    } else if (await api.deleteContact(contact.id)) {
      deletedContactIds.push(contact.id)
    }
  }
  const conversationsErased = deletedContactIds.length === 0
  const parts = [
    erasedContactIds.length > 0
      ? `Erased ${erasedContactIds.length} Drift contact(s) with POST /gdpr/delete (attributes, conversations and messages)`
      : '',
    deletedContactIds.length > 0
      ? `Deleted ${deletedContactIds.length} Drift contact(s) with DELETE /contacts/{id}; their conversations were ` +
        (canErase ? 'not erased (the contact has no email to erase by)' : 'not erased (the token lacks gdpr_write)')
      : ''
  ]
  return { erasedContactIds, deletedContactIds, conversationsErased, output: parts.filter(Boolean).join('. ') }
}
