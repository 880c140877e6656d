import type { CloudSettings } from '../../shared'
import { cacheScope, contactIds, emailKey, externalIdKey, type KnownContact } from './caches'
import type { DriftApi, DriftContact } from './drift-api'
import { compareIds } from './json'

/** How a contact is identified: by your user id (Drift's externalId) or, without one, by email. */
export type ContactKey = { externalId: string } | { email: string }

export function cacheKeyOf(settings: CloudSettings, key: ContactKey): string {
  const scope = cacheScope(settings)
  return 'externalId' in key ? externalIdKey(scope, key.externalId) : emailKey(scope, key.email)
}

/**
 * The contact to use when a lookup returns several (Drift does not keep externalId or email unique):
 * a contact whose externalId equals the one asked for exactly wins; among the rest, the lowest contact id,
 * i.e. the oldest contact. Deterministic, so every event for a user lands on the same contact.
 */
export function pickContact(contacts: DriftContact[], key: ContactKey): DriftContact | undefined {
  const exact =
    'externalId' in key
      ? contacts.filter(
          (c) => c.attributes.externalId !== undefined && String(c.attributes.externalId) === key.externalId
        )
      : []
  const candidates = exact.length > 0 ? exact : contacts
  return [...candidates].sort((a, b) => compareIds(a.id, b.id))[0]
}

/** The contact id for a user: from the cache, else one lookup (remembered). Undefined when Drift has none. */
export async function findContactId(
  api: DriftApi,
  settings: CloudSettings,
  key: ContactKey
): Promise<{ id: string; cached: boolean } | undefined> {
  const cacheKey = cacheKeyOf(settings, key)
  const known = contactIds.get(cacheKey)
  if (known !== undefined) return { id: known.id, cached: true }
  const contact = pickContact(await api.findContacts(key), key)
  if (!contact) return undefined
  contactIds.set(cacheKey, { id: contact.id })
  return { id: contact.id, cached: false }
}

/**
 * Runs `use` with the user's contact id (cache, else one lookup). When `use` finds Drift no longer has that contact
 * (it returns undefined for a 404: deleted or merged), the id is forgotten and, if it came from the cache, looked up
 * once more. Undefined when Drift has no contact for the user.
 */
export async function withContactId<T>(
  api: DriftApi,
  settings: CloudSettings,
  key: ContactKey,
  use: (id: string) => Promise<T | undefined>
): Promise<T | undefined> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const found = await findContactId(api, settings, key)
    if (!found) return undefined
    const result = await use(found.id)
    if (result !== undefined) return result
    forgetContactId(settings, key)
    if (!found.cached) return undefined
  }
  return undefined
}

/** The cached contact for a user (id and fingerprint of the last write), without asking Drift. */
export function knownContact(settings: CloudSettings, key: ContactKey): KnownContact | undefined {
  return contactIds.get(cacheKeyOf(settings, key))
}

/** Remembers the contact id, and the fingerprint of what was just written to it (if anything was). */
export function rememberContactId(settings: CloudSettings, key: ContactKey, id: string, fingerprint?: string): void {
  contactIds.set(cacheKeyOf(settings, key), fingerprint === undefined ? { id } : { id, fingerprint })
}

export function forgetContactId(settings: CloudSettings, key: ContactKey): void {
  contactIds.delete(cacheKeyOf(settings, key))
}
