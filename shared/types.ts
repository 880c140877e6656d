/** A value Drift accepts as an attribute: flat, no objects, no arrays. */
export type DriftValue = string | number | boolean

/** Flat attributes, ready for `drift.identify`, `setUserAttributes`, `track` or the REST API. */
export type DriftAttributes = Record<string, DriftValue>

/** How `Date` values become numbers: Unix seconds (Segment's classic Drift integration) or milliseconds. */
export type DateUnit = 'seconds' | 'milliseconds'

/** Something the mapping core dropped or changed, and why, so callers can surface it. */
export interface MappingWarning {
  /** The key path in the input, joined with '.', e.g. `address.city` or `tags[2]`. */
  path: string
  action: 'dropped' | 'changed'
  reason: string
}

export interface MappingResult {
  attributes: DriftAttributes
  warnings: MappingWarning[]
}
