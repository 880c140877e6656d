import { DATE_ATTRIBUTES } from './defaults'
import { DEFAULT_BLOCKED_ATTRIBUTES, blocklistFor, type AttributeBlocklist } from './privacy/blocked-attributes'
import type { DateUnit } from './types'

export const FLATTEN_DEFAULTS = {
  /** Joins nested keys: `{ address: { city } }` → `address_city`. */
  separator: '_',
  /** The unit of custom Date values (Drift's own date attributes are always milliseconds). */
  dateUnit: 'milliseconds' as DateUnit,
  /** Values under longer key paths are dropped, and attributes past maxAttributes; longer strings are cut. */
  maxDepth: 10,
  maxAttributes: 1000,
  maxStringLength: 65536,
  /** Reading stops after this many keys: shared objects can make a small input enormous. */
  maxValues: 100_000,
  /** Attribute names (with `*` patterns) never sent: the blockedAttributes setting; `[]` turns blocking off. */
  blockedAttributes: DEFAULT_BLOCKED_ATTRIBUTES
}

/** Each default can be changed; ISO-8601 strings under `dateKeys` (Drift's date attributes) become timestamps. */
export type FlattenOptions = Partial<typeof FLATTEN_DEFAULTS & { dateKeys: ReadonlySet<string> }>

/** The options as the walk reads them: the blocklist compiled (undefined: nothing is blocked). */
export type ResolvedOptions = Required<FlattenOptions> & { blocklist: AttributeBlocklist | undefined }

const LIMITS = ['maxDepth', 'maxAttributes', 'maxStringLength', 'maxValues'] as const

/**
 * The mapping options a destination's settings choose, in both modes: `dateUnit`, `separator` and
 * `blockedAttributes` (absent from the settings: the default list).
 */
export function flattenOptionsOf(settings: {
  dateUnit: DateUnit
  separator: string
  blockedAttributes?: readonly string[]
}): FlattenOptions {
  return { dateUnit: settings.dateUnit, separator: settings.separator, blockedAttributes: settings.blockedAttributes }
}

/**
 * The options with their defaults (an option set to undefined takes its default). Options come from code, not
 * from events: a wrong one is a programming error, a RangeError naming it.
 */
export function resolveOptions(options: FlattenOptions): ResolvedOptions {
  const d = FLATTEN_DEFAULTS
  // A literal: one shape, built without a loop (this runs for every event).
  const o: ResolvedOptions = {
    separator: options.separator ?? d.separator,
    dateUnit: options.dateUnit ?? d.dateUnit,
    maxDepth: options.maxDepth ?? d.maxDepth,
    maxAttributes: options.maxAttributes ?? d.maxAttributes,
    maxStringLength: options.maxStringLength ?? d.maxStringLength,
    maxValues: options.maxValues ?? d.maxValues,
    dateKeys: options.dateKeys ?? DATE_ATTRIBUTES,
    blockedAttributes: options.blockedAttributes ?? d.blockedAttributes,
    blocklist: undefined
  }
  for (const key of LIMITS) {
    if (!(Number.isInteger(o[key]) && o[key] >= 1)) throw new RangeError(`${key} must be a whole number >= 1`)
  }
  if (typeof o.separator !== 'string') throw new RangeError('separator must be a string')
  if (o.dateUnit !== 'seconds' && o.dateUnit !== 'milliseconds') {
    throw new RangeError('dateUnit must be "seconds" or "milliseconds"')
  }
  const blocked = o.blockedAttributes
  // Compiled once per list and separator (compiling validates it: a bad list throws a RangeError naming it).
  if (!Array.isArray(blocked) || blocked.length > 0) o.blocklist = blocklistFor(blocked, o.separator)
  return o
}
