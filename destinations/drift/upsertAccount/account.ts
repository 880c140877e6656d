import { IntegrationError, PayloadValidationError } from '@segment/actions-core'
import { isDriftUserId, type CloudSettings, type DriftValue } from '../../../shared'
import { accountIds, cacheScope, domainKey } from '../caches'
import type { AccountId, DriftApi } from '../drift-api'
import { mapProperties } from '../mapping'
import { tokenFactsOf } from '../token-facts'
import { isAbsent } from '../../../shared/absent'

/** Group traits that are sent as account fields, never again as custom properties. */
const ACCOUNT_FIELD_TRAITS = new Set(['id', 'name', 'domain', 'website'])

/**
 * A website or domain as Drift's account domain: lower case, without scheme, credentials, port, path, query
 * or a leading `www.` (`https://www.Example.com/about` → `example.com`). Undefined when it is no domain.
 */
export function domainOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  let text = value.trim().toLowerCase()
  text = text.replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
  text = text.replace(/^[^/?#]*@/, '')
  text = text
    .split(/[/?#]/)[0]
    .replace(/:\d+$/, '')
    .replace(/\.$/, '')
    .replace(/^www\./, '')
  return /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/.test(text)
    ? text
    : undefined
}

/** Account owner: the field, else the accountOwnerId setting; a Drift user id (a whole number). */
export function ownerIdOf(field: unknown, settings: CloudSettings): number {
  const raw = !isAbsent(field) ? field : settings.accountOwnerId
  if (raw === undefined) {
    throw new PayloadValidationError(
      'upsertAccount needs an account owner: set the accountOwnerId setting or map owner_id to a Drift user id'
    )
  }
  // The setting was checked with the same rule when the settings were read: only the field can fail here.
  const text = String(raw).trim()
  if (!isDriftUserId(text)) throw new PayloadValidationError('owner_id must be a Drift user id (a whole number)')
  return Number(text)
}

export interface CustomProperty {
  name: string
  label: string
  value: DriftValue
  type: string
}

/**
 * Flat custom properties as Drift's `customProperties` list, with the mapping warnings (what was dropped or
 * changed) for the action's output; the `type` names are a guess (undocumented).
 */
export function customPropertiesOf(
  traits: Record<string, unknown> | undefined,
  settings: CloudSettings
): { customProperties: CustomProperty[]; warnings: string[] } {
  const rest = Object.fromEntries(Object.entries(traits ?? {}).filter(([key]) => !ACCOUNT_FIELD_TRAITS.has(key)))
  const { attributes, warnings } = mapProperties(rest, settings)
  const customProperties = Object.entries(attributes).map(([name, value]) => ({
    name,
    label: name,
    value,
    type: typeof value === 'number' ? 'NUMBER' : typeof value === 'boolean' ? 'BOOLEAN' : 'STRING'
  }))
  return { customProperties, warnings }
}

export interface AccountOutcome {
  accountId: AccountId
  domain: string
  action: 'created' | 'updated'
}

export interface AccountInput {
  ownerId: number
  domain: string
  name?: string
  customProperties: unknown[]
  targeted?: boolean
  /** Drift's id for the account, when the user maps one (the account_id field): updated without a create. */
  accountId?: AccountId
}

/**
 * Updates the account when its id is known (the account_id field, or this process created, updated or found that
 * domain before), else creates it (POST /accounts/create). A create Drift refuses as a duplicate domain is
 * followed by an update of the existing account: by the id Drift's answer carries, else by Drift's id form
 * `<orgId>_<domain>` (orgId from token_info), confirmed with GET /accounts/{id}. When neither finds it, the error
 * says to map account_id.
 */
export async function upsertAccount(
  api: DriftApi,
  settings: CloudSettings,
  account: AccountInput
): Promise<AccountOutcome> {
  const key = domainKey(cacheScope(settings), account.domain)
  const body = {
    ownerId: account.ownerId,
    domain: account.domain,
    ...(account.name !== undefined ? { name: account.name } : {}),
    customProperties: account.customProperties,
    ...(account.targeted !== undefined ? { targeted: account.targeted } : {})
  }
  const update = async (accountId: AccountId): Promise<AccountOutcome | undefined> => {
    const updated = await api.updateAccount({ accountId, ...body })
    if (updated === undefined) return undefined
    accountIds.set(key, updated)
    return { accountId: updated, domain: account.domain, action: 'updated' }
  }

  const known = account.accountId ?? accountIds.get(key)
  if (known !== undefined) {
    const updated = await update(known)
    if (updated) return updated
    accountIds.delete(key)
  }

  const created = await api.createAccount(body)
  if ('accountId' in created) {
    accountIds.set(key, created.accountId)
    return { accountId: created.accountId, domain: account.domain, action: 'created' }
  }
  const existing = created.existingAccountId ?? (await guessedAccountId(api, settings, account.domain))
  const updated = existing === undefined ? undefined : await update(existing)
  if (updated) return updated
  throw new IntegrationError(
    `An account with domain ${account.domain} already exists in Drift, but Drift's answer gives no id and no account ` +
      `has the id Drift's form suggests: map the account_id field to the Drift account id (Drift said: ${created.duplicate})`,
    'ACCOUNT_EXISTS',
    409
  )
}

/** `<orgId>_<domain>` (the form of Drift's documented example id) when Drift confirms an account has it. */
async function guessedAccountId(
  api: DriftApi,
  settings: CloudSettings,
  domain: string
): Promise<AccountId | undefined> {
  const { orgId } = await tokenFactsOf(api, settings)
  return orgId === undefined ? undefined : api.getAccount(`${orgId}_${domain}`)
}
