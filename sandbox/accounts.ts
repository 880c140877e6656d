import { isNullish } from '../shared/absent'
import { badRequest, conflict, notFound } from './errors'
import { SANDBOX_ORG_ID } from './store'
import type { AccountCustomProperty, SandboxAccount, SandboxState } from './types'
import { isRecord } from '../shared/record'
import { isFlatValue, requireBody, requireInteger, requireNonEmptyString } from './validate'

// The sandbox's rules for accounts (Drift's `/accounts` routes), on the same plain in-memory state as contacts: a
// domain belongs to one account, compared case-insensitively.

function customProperties(value: unknown): AccountCustomProperty[] {
  if (isNullish(value)) return []
  if (!Array.isArray(value)) throw badRequest('customProperties must be an array', { field: 'customProperties' })
  return value.map((item: unknown, i) => {
    const field = `customProperties[${i}]`
    if (!isRecord(item)) throw badRequest(`${field} must be an object {label, name, value, type}`, { field })
    const name = requireNonEmptyString(item.name, `${field}.name`)
    if (!isFlatValue(item.value)) {
      throw badRequest(`${field}.value must be a string, number, boolean or null (flat values only)`, {
        field: `${field}.value`
      })
    }
    const property: AccountCustomProperty = { name, value: item.value }
    if (typeof item.label === 'string') property.label = item.label
    if (typeof item.type === 'string') property.type = item.type
    return property
  })
}

const normaliseDomain = (domain: string): string => domain.trim().toLowerCase()

function requireUniqueDomain(state: SandboxState, domain: string, exceptId?: string): void {
  const other = state.accounts.find((a) => a.domain === domain && a.accountId !== exceptId)
  if (other) {
    throw conflict(`An account with domain ${domain} already exists (accountId ${other.accountId})`, {
      field: 'domain',
      existingAccountId: other.accountId
    })
  }
}

function optionalString(value: unknown, field: string): string | undefined {
  if (isNullish(value)) return undefined
  if (typeof value !== 'string') throw badRequest(`${field} must be a string`, { field })
  return value
}

function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (isNullish(value)) return undefined
  if (typeof value !== 'boolean') throw badRequest(`${field} must be a boolean`, { field })
  return value
}

/** `POST /accounts/create`: ownerId and domain are required, domains are unique (409 on a duplicate: our guess). */
export function createAccount(state: SandboxState, body: unknown, now: number): SandboxAccount {
  const input = requireBody(body)
  const ownerId = requireInteger(input.ownerId, 'ownerId')
  const domain = normaliseDomain(requireNonEmptyString(input.domain, 'domain'))
  const name = optionalString(input.name, 'name')
  const props = customProperties(input.customProperties)
  const targeted = optionalBoolean(input.targeted, 'targeted') ?? false
  requireUniqueDomain(state, domain)
  const account: SandboxAccount = {
    accountId: `${SANDBOX_ORG_ID}_${domain}`,
    ownerId,
    domain,
    customProperties: props,
    targeted,
    createDateTime: now,
    updateDateTime: now
  }
  if (name !== undefined) account.name = name
  state.accounts.push(account)
  return account
}

export function findAccount(state: SandboxState, accountId: string): SandboxAccount {
  const account = state.accounts.find((a) => a.accountId === accountId)
  if (!account) throw notFound(`No account with accountId ${JSON.stringify(accountId)}`)
  return account
}

/**
 * `PATCH /accounts/update`: merges the fields sent; custom properties merge by name, or (the `replaced` variant:
 * Drift does not say) the list sent replaces the stored one.
 */
export function updateAccount(
  state: SandboxState,
  body: unknown,
  now: number,
  customPropertiesMode: 'merged' | 'replaced' = 'merged'
): SandboxAccount {
  const input = requireBody(body)
  const accountId = requireNonEmptyString(
    typeof input.accountId === 'number' ? String(input.accountId) : input.accountId,
    'accountId'
  )
  const account = findAccount(state, accountId)
  const ownerId = input.ownerId === undefined ? undefined : requireInteger(input.ownerId, 'ownerId')
  const domain = input.domain === undefined ? undefined : normaliseDomain(requireNonEmptyString(input.domain, 'domain'))
  const name = optionalString(input.name, 'name')
  const targeted = optionalBoolean(input.targeted, 'targeted')
  const props = customProperties(input.customProperties)
  if (domain !== undefined) requireUniqueDomain(state, domain, accountId)
  if (ownerId !== undefined) account.ownerId = ownerId
  if (domain !== undefined) account.domain = domain
  if (name !== undefined) account.name = name
  if (targeted !== undefined) account.targeted = targeted
  if (customPropertiesMode === 'replaced' && input.customProperties !== undefined) account.customProperties = []
  for (const prop of props) {
    const existing = account.customProperties.findIndex((p) => p.name === prop.name)
    if (existing >= 0) account.customProperties[existing] = { ...account.customProperties[existing], ...prop }
    else account.customProperties.push(prop)
  }
  account.updateDateTime = now
  return account
}
