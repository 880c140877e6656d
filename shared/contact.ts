import { toDriftDateMs } from './dates'
import { DATE_ATTRIBUTES, DRIFT_DEFAULT_ATTRIBUTES, stringifyAttributeValue } from './defaults'
import { toDriftAttributes, type FlattenOptions } from './flatten'
import type { MappingResult, MappingWarning } from './types'

export interface ContactMappingOptions extends FlattenOptions {
  /** `context.campaign.source` (utm_source): becomes `recent_source` unless the traits give one. */
  campaignSource?: unknown
}

/** Spec traits that Drift knows under another name: `firstName` → `first_name`, `createdAt` → `start_date`. */
const RENAMES = DRIFT_DEFAULT_ATTRIBUTES.filter((a) => a.specTrait && a.specTrait !== a.name)
const USER_ID_TRAITS = [
  ['id', 'the user id travels on its own, not as a trait'],
  ['externalId', 'the user id is the externalId, not a trait']
]
const STRING_DEFAULTS = DRIFT_DEFAULT_ATTRIBUTES.filter((a) => a.type === 'STRING').map((a) => a.name)

/**
 * Segment traits → Drift contact attributes, the same in the browser and on the server:
 * the `id` and `externalId` traits are removed (the user id travels on its own), spec traits are renamed to Drift's default
 * attributes (a Drift name given explicitly wins), string-typed defaults are stringified properly, Drift's date
 * attributes become epoch milliseconds (always: Drift's unit),
 * `recent_source` comes from the campaign source when not given, and everything is flattened.
 */
export function toDriftContactAttributes(traits: unknown, options: ContactMappingOptions = {}): MappingResult {
  const { campaignSource, ...flattenOptions } = options
  const warnings: MappingWarning[] = []
  // A null-prototype copy: a `__proto__` trait stays a plain key (which flattening then drops).
  const prepared = copyOf(traits, warnings)
  // The user id travels on its own (Drift's externalId, set by identify itself): a trait must never move the
  // contact to another id.
  for (const [key, reason] of USER_ID_TRAITS) {
    if (!(key in prepared)) continue
    delete prepared[key]
    warnings.push({ path: key, action: 'dropped', reason })
  }

  for (const { specTrait, name } of RENAMES) {
    const key = specTrait as string
    if (!(key in prepared)) continue
    if (prepared[name] === undefined || prepared[name] === null) prepared[name] = prepared[key]
    else warnings.push({ path: key, action: 'dropped', reason: `"${name}" was given too, and wins` })
    delete prepared[key]
  }

  if ((prepared.recent_source === undefined || prepared.recent_source === null) && campaignSource != null) {
    prepared.recent_source = campaignSource
  }

  for (const name of STRING_DEFAULTS) {
    const value = prepared[name]
    if (value === undefined || value === null) continue
    const text = stringifyAttributeValue(value)
    if (text === undefined) {
      warnings.push({
        path: name,
        action: 'dropped',
        reason: `"${name}" must be a string and this value has no text form`
      })
      delete prepared[name]
    } else if (text !== value) {
      prepared[name] = text
      warnings.push({ path: name, action: 'changed', reason: `"${name}" is a string attribute: sent as text` })
    }
  }

  // Drift's own dates are epoch milliseconds whatever dateUnit says (dateUnit governs custom Date values only).
  for (const name of DATE_ATTRIBUTES) {
    const value = prepared[name]
    if (value === undefined || value === null) continue
    const date = toDriftDateMs(value)
    if ('reason' in date) {
      warnings.push({ path: name, action: 'dropped', reason: `"${name}" ${date.reason}` })
      delete prepared[name]
      continue
    }
    prepared[name] = date.ms
    if (date.note) warnings.push({ path: name, action: 'changed', reason: `"${name}": ${date.note}` })
  }

  if (typeof prepared.email === 'string' && prepared.email.trim() !== prepared.email) {
    const email = normalizeEmail(prepared.email)
    if (email === undefined) {
      delete prepared.email
      warnings.push({ path: 'email', action: 'dropped', reason: 'blank email' })
    } else {
      prepared.email = email
      warnings.push({ path: 'email', action: 'changed', reason: 'spaces around the email removed' })
    }
  }

  const flat = toDriftAttributes(prepared, flattenOptions)
  if (!isObject(traits) && traits !== undefined && traits !== null) {
    warnings.push({ path: '', action: 'dropped', reason: 'traits must be an object' })
  }
  return { attributes: flat.attributes, warnings: warnings.concat(flat.warnings) }
}

/**
 * Group traits → visitor attributes about the company: `company_id` from the group id, `company_name` and
 * every other group trait under `company_` (flattened like any trait).
 */
export function toDriftCompanyAttributes(
  groupId: unknown,
  traits: unknown,
  options: FlattenOptions = {}
): MappingResult {
  const warnings: MappingWarning[] = []
  const company = copyOf(traits, warnings)
  if (!isObject(traits) && traits !== undefined && traits !== null) {
    warnings.push({ path: '', action: 'dropped', reason: 'group traits must be an object' })
  }
  // The group id is the company id; an `id` trait only stands in for a missing one.
  if (groupId !== undefined && groupId !== null) {
    if (company.id !== undefined && company.id !== null && String(company.id) !== String(groupId)) {
      warnings.push({ path: 'id', action: 'dropped', reason: 'the company id is the group id' })
    }
    company.id = groupId
  }
  const flat = toDriftAttributes({ company }, options)
  return { attributes: flat.attributes, warnings: warnings.concat(flat.warnings) }
}

/** A shallow null-prototype copy of an object's own keys; values that throw on read are reported. */
function copyOf(source: unknown, warnings: MappingWarning[]): Record<string, unknown> {
  const copy: Record<string, unknown> = Object.create(null)
  if (!isObject(source)) return copy
  let keys: string[] = []
  try {
    keys = Object.keys(source)
  } catch {
    warnings.push({ path: '', action: 'dropped', reason: 'the keys of the traits could not be read' })
  }
  for (const key of keys) {
    try {
      copy[key] = source[key]
    } catch {
      warnings.push({ path: key, action: 'dropped', reason: 'reading the value threw' })
    }
  }
  return copy
}

/** An object of traits: not a list, nor a Map, Set or Date (whose entries are no own keys, and would vanish). */
function isObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Map || value instanceof Set || value instanceof Date)
  )
}

/**
 * The one email rule: Drift finds and creates contacts by email, so spaces around it would make another address
 * and a blank one is none. A trimmed, non-empty email, or undefined. Drift checks the format itself.
 */
export function normalizeEmail(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const email = value.trim()
  return email === '' ? undefined : email
}

/** An email as a lookup key: normalised and lower case (two spellings of one address are one user). */
export function emailKeyOf(value: unknown): string | undefined {
  return normalizeEmail(value)?.toLowerCase()
}
