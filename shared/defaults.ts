/**
 * The attributes Drift knows out of the box, their Drift type, and the Segment spec trait each comes from. Where
 * each fact comes from (and how sure it is) is documented in docs/mapping.md's table of default attributes, not
 * here: this table is what the mapping core runs on, in the browser too.
 */
export type DriftAttributeType = 'STRING' | 'NUMERIC' | 'BOOLEAN' | 'DATE'

export interface DriftDefaultAttribute {
  /** Drift's attribute name (case-sensitive). */
  name: string
  type: DriftAttributeType
  /** The Segment spec trait (top-level key of `traits`) that becomes this attribute, if any. */
  specTrait?: string
}

export const DRIFT_DEFAULT_ATTRIBUTES: readonly DriftDefaultAttribute[] = [
  { name: 'email', type: 'STRING', specTrait: 'email' },
  { name: 'name', type: 'STRING', specTrait: 'name' },
  { name: 'first_name', type: 'STRING', specTrait: 'firstName' },
  { name: 'last_name', type: 'STRING', specTrait: 'lastName' },
  { name: 'phone', type: 'STRING', specTrait: 'phone' },
  { name: 'title', type: 'STRING', specTrait: 'title' },
  { name: 'start_date', type: 'DATE', specTrait: 'createdAt' },
  { name: 'last_active', type: 'DATE', specTrait: 'last_active' },
  // From context.campaign.source (utm_source) and from the user id: no trait.
  { name: 'recent_source', type: 'STRING' },
  { name: 'externalId', type: 'STRING' }
]

/** A lookup, not a Map built at load time: ten entries, and a bundle that never asks drops it entirely. */
export function defaultAttribute(name: string): DriftDefaultAttribute | undefined {
  return DRIFT_DEFAULT_ATTRIBUTES.find((attribute) => attribute.name === name)
}

/**
 * Names of the default attributes Drift stores as dates. Drift keeps them in epoch milliseconds (every contact it
 * returns has `start_date` like 1668615901358 [doc]), so they are always sent in ms, whatever `dateUnit` says.
 */
export const DATE_ATTRIBUTES: ReadonlySet<string> = new Set(
  DRIFT_DEFAULT_ATTRIBUTES.filter((attribute) => attribute.type === 'DATE').map((attribute) => attribute.name)
)

/**
 * A value for a STRING-typed attribute, as a string: `String(x)` for primitives, `toString()` for objects
 * that define their own (URL, URLSearchParams), comma-joined for arrays of primitives. Undefined for anything
 * that would only stringify to `[object Object]` (plain objects, nested arrays) and for null/undefined.
 */
export function stringifyAttributeValue(value: unknown, inArray?: boolean): string | undefined {
  try {
    const type = typeof value
    if (type === 'string') return value as string
    if (type === 'boolean' || type === 'bigint' || (type === 'number' && Number.isFinite(value))) return String(value)
    // An invalid Date throws here, as does a getter or Proxy trap: no usable text form.
    if (value instanceof Date) return value.toISOString()
    if (type !== 'object' || !value || inArray) return undefined
    if (Array.isArray(value)) {
      const parts = value.map((item) => stringifyAttributeValue(item, true))
      return parts.includes(undefined) ? undefined : parts.join(',')
    }
    // Only a class's own toString (URL, URLSearchParams, boxed primitives) says something.
    const text = value.toString === Object.prototype.toString ? undefined : String(value)
    return text === '[object Object]' ? undefined : text
  } catch {
    return undefined
  }
}
