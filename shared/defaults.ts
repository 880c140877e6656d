/**
 * The attributes Drift knows out of the box, their Drift type, and the Segment spec trait each comes from.
 * `source` says how sure we are, as in drift-reference.md: [doc] Drift documents it, [code] public code
 * that calls Drift does it, [guess] deduced.
 */
export type DriftAttributeType = 'STRING' | 'NUMERIC' | 'BOOLEAN' | 'DATE'

export interface DriftDefaultAttribute {
  /** Drift's attribute name (case-sensitive). */
  name: string
  type: DriftAttributeType
  /** The Segment spec trait (top-level key of `traits`) that becomes this attribute, if any. */
  specTrait?: string
  /** Where the value comes from when it is not a trait (documentation only). */
  from?: string
  source: '[doc]' | '[code]' | '[guess]'
}

export const DRIFT_DEFAULT_ATTRIBUTES: readonly DriftDefaultAttribute[] = [
  { name: 'email', type: 'STRING', specTrait: 'email', source: '[doc]' },
  { name: 'name', type: 'STRING', specTrait: 'name', source: '[doc]' },
  { name: 'first_name', type: 'STRING', specTrait: 'firstName', source: '[code]' },
  { name: 'last_name', type: 'STRING', specTrait: 'lastName', source: '[code]' },
  { name: 'phone', type: 'STRING', specTrait: 'phone', source: '[code]' },
  { name: 'title', type: 'STRING', specTrait: 'title', source: '[code]' },
  { name: 'start_date', type: 'DATE', specTrait: 'createdAt', source: '[code]' },
  { name: 'last_active', type: 'DATE', specTrait: 'last_active', source: '[code]' },
  { name: 'recent_source', type: 'STRING', from: 'context.campaign.source (utm_source)', source: '[doc]' },
  { name: 'externalId', type: 'STRING', from: 'userId', source: '[doc]' }
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
export function stringifyAttributeValue(value: unknown): string | undefined {
  return textOf(value, false)
}

function textOf(value: unknown, inArray: boolean): string | undefined {
  try {
    if (typeof value === 'string') return value
    if (typeof value === 'boolean' || typeof value === 'bigint') return String(value)
    if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined
    // An invalid Date throws here, as does a getter or Proxy trap: no usable text form.
    if (value instanceof Date) return value.toISOString()
    if (typeof value !== 'object' || value === null || inArray) return undefined
    if (Array.isArray(value)) {
      const parts = value.map((item) => textOf(item, true))
      return parts.includes(undefined) ? undefined : parts.join(',')
    }
    // Only a class's own toString (URL, URLSearchParams, boxed primitives) says something.
    const text = value.toString === Object.prototype.toString ? undefined : String(value)
    return text === '[object Object]' ? undefined : text
  } catch {
    return undefined
  }
}
