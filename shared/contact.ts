import { isNullish } from './absent'
import { toDriftDateMs } from './dates'
import { DRIFT_ATTRIBUTE_TYPES, SPEC_TRAITS } from './defaults'
import { toDriftAttributes, type FlattenOptions } from './flatten'
import { typeName } from './record'
import { warning, type WarningCode } from './mapping-warnings'
import type { MappingResult, MappingWarning } from './types'

export interface ContactMappingOptions extends FlattenOptions {
  /** `context.campaign.source` (utm_source): becomes `recent_source` unless the traits give one. */
  campaignSource?: unknown
}

/**
 * Segment traits → Drift contact attributes, the same in the browser and on the server:
 * the `id` and `externalId` traits are removed (the user id travels on its own), spec traits are renamed to Drift's
 * default attributes (a Drift name given explicitly wins), string-typed defaults are stringified properly, Drift's
 * date attributes become epoch milliseconds (always: Drift's unit), `recent_source` comes from the campaign source
 * when not given, and everything is flattened.
 */
export function toDriftContactAttributes(traits: unknown, options: ContactMappingOptions = {}): MappingResult {
  const { campaignSource, ...flattenOptions } = options
  const warnings: MappingWarning[] = []
  // A null-prototype copy: a `__proto__` trait stays a plain key (which flattening then drops).
  const prepared = copyOf(traits, warnings)
  const note = (key: string, code: WarningCode, detail?: string, action: MappingWarning['action'] = 'dropped') => {
    if (action === 'dropped') delete prepared[key]
    warnings.push(warning(key, action, code, detail))
  }
  // The user id travels on its own (Drift's externalId, set by identify itself): a trait must never move the
  // contact to another id.
  for (const key of ['id', 'externalId']) if (key in prepared) note(key, 'user-id')
  if (isNullish(prepared.recent_source) && !isNullish(campaignSource)) prepared.recent_source = campaignSource

  for (const [name, type] of Object.entries(DRIFT_ATTRIBUTE_TYPES)) {
    const trait: string | undefined = SPEC_TRAITS[name]
    // Attributes without a spec trait (recent_source, externalId) take none: a trait named "undefined" stays a trait.
    if (trait !== undefined && trait !== name && trait in prepared) {
      if (!isNullish(prepared[name])) note(trait, 'given-too', name)
      else {
        prepared[name] = prepared[trait]
        delete prepared[trait]
      }
    }
    const value = prepared[name]
    if (isNullish(value)) continue
    if (type === 'DATE') {
      // Drift's own dates are epoch milliseconds whatever dateUnit says (dateUnit governs custom Date values only).
      const date = toDriftDateMs(value)
      if (!date) note(name, 'not-a-date', name)
      else {
        prepared[name] = date.ms
        if (date.seconds) note(name, 'seconds', name, 'changed')
      }
      continue
    }
    // Any STRING default is sent as text, and the email trimmed (Drift finds contacts by it).
    const text = stringifyAttributeValue(value)
    const kept = name === 'email' ? normalizeEmail(text) : text
    if (kept === undefined) {
      if (text === undefined) note(name, 'no-text', name)
      else note(name, 'blank email')
    } else if (kept !== value) {
      prepared[name] = kept
      note(name, typeof value === 'string' ? 'trimmed' : 'as-text', name, 'changed')
    }
  }
  const flat = toDriftAttributes(prepared, flattenOptions)
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
  // The group id is the company id; an `id` trait only stands in for a missing one.
  if (!isNullish(groupId)) {
    if (!isNullish(company.id) && String(company.id) !== String(groupId)) {
      warnings.push(warning('id', 'dropped', 'group-id'))
    }
    company.id = groupId
  }
  const flat = toDriftAttributes({ company }, options)
  return { attributes: flat.attributes, warnings: warnings.concat(flat.warnings) }
}

/** A shallow null-prototype copy of an object's own keys; a value that is no object, or throws on read, is reported. */
function copyOf(source: unknown, warnings: MappingWarning[]): Record<string, unknown> {
  const copy: Record<string, unknown> = Object.create(null)
  try {
    const type = typeName(source)
    if (type === 'object') {
      for (const key of Object.keys(source as object)) {
        try {
          copy[key] = (source as Record<string, unknown>)[key]
        } catch {
          warnings.push(warning(key, 'dropped', 'threw'))
        }
      }
    } else if (!isNullish(source)) warnings.push(warning('', 'dropped', 'not-an-object', type))
  } catch {
    // A Proxy whose traps throw: its keys cannot be read.
    warnings.push(warning('', 'dropped', 'threw'))
  }
  return copy
}

/**
 * A value for a STRING-typed attribute, as a string: `String(x)` for primitives, ISO text for Dates, `toString()`
 * for objects that define their own (URL, URLSearchParams), comma-joined for arrays of these. Undefined for anything
 * that would only stringify to `[object …]` (plain objects, Maps), nested arrays, null and undefined.
 */
export function stringifyAttributeValue(value: unknown, inArray?: boolean): string | undefined {
  try {
    const type = typeName(value)
    // An invalid Date throws here, as does a getter or Proxy trap: no usable text form.
    if (type === 'Date') return (value as Date).toISOString()
    if (type === 'array') {
      const parts = inArray ? [undefined] : (value as unknown[]).map((item) => stringifyAttributeValue(item, true))
      return parts.includes(undefined) ? undefined : parts.join(',')
    }
    if (type === 'string' || type === 'boolean' || type === 'bigint' || (type === 'number' && Number.isFinite(value))) {
      return String(value)
    }
    // Only a class's own toString (URL, URLSearchParams, boxed primitives) says something.
    const text = typeof value === 'object' && value !== null && !inArray ? String(value) : undefined
    return text?.startsWith('[object ') ? undefined : text
  } catch {
    return undefined
  }
}

/**
 * The one email rule: Drift finds and creates contacts by email, so spaces around it would make another address
 * and a blank one is none. A trimmed, non-empty email, or undefined. Drift checks the format itself.
 */
export function normalizeEmail(value: unknown): string | undefined {
  const email = typeof value === 'string' ? value.trim() : ''
  return email === '' ? undefined : email
}

/** An email as a lookup key: normalised and lower case (two spellings of one address are one user). */
export function emailKeyOf(value: unknown): string | undefined {
  return normalizeEmail(value)?.toLowerCase()
}
