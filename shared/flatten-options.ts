import { DATE_ATTRIBUTES } from './defaults'
import { DEFAULT_BLOCKED_ATTRIBUTES } from './privacy/blocked-attributes'
import { DATE_UNITS, isString, named, oneOf, rule, type SettingRule } from './setting-rule-builders'
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
  /** ISO-8601 strings under these names (Drift's date attributes) become timestamps. */
  dateKeys: DATE_ATTRIBUTES,
  /** Attribute names (with `*` patterns) never sent: the blockedAttributes setting; `[]` turns blocking off. */
  blockedAttributes: DEFAULT_BLOCKED_ATTRIBUTES
}

/** Each default can be changed; an option set to undefined takes its default. */
export type FlattenOptions = Partial<typeof FLATTEN_DEFAULTS>

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

const atLeastOne = rule<number>(
  (value) => Number.isInteger(value) && (value as number) >= 1,
  'must be a whole number >= 1'
)

/** What each option must be, as the settings rules say it (dateUnit is the setting's own rule). */
const OPTION_RULES: Record<keyof typeof FLATTEN_DEFAULTS, SettingRule> = {
  separator: rule(isString, 'must be a string'),
  dateUnit: oneOf(DATE_UNITS),
  maxDepth: atLeastOne,
  maxAttributes: atLeastOne,
  maxStringLength: atLeastOne,
  maxValues: atLeastOne,
  dateKeys: rule((value) => value instanceof Set, 'must be a Set of attribute names'),
  // Checked when compiled (flatten.ts compiles anything but an empty list), with the setting's own rule and text.
  blockedAttributes: () => undefined
}

/**
 * The options given over the defaults. A wrong or unknown one is refused with a RangeError naming it, in every
 * build: `toDriftAttributes` is public (`./shared`), so options may come from a caller's JavaScript, not only
 * from settings checked before.
 */
export function withDefaults(options: FlattenOptions): typeof FLATTEN_DEFAULTS {
  const all: Record<string, unknown> = { ...FLATTEN_DEFAULTS }
  // Only the options given: the common call gives none.
  for (const key in options) {
    const value: unknown = options[key as keyof FlattenOptions]
    if (value === undefined) continue
    if (!Object.prototype.hasOwnProperty.call(OPTION_RULES, key)) {
      throw new RangeError(`${key} is not an option of toDriftAttributes`)
    }
    const problem = OPTION_RULES[key as keyof FlattenOptions](value)
    if (problem) throw new RangeError(named(key, problem))
    all[key] = value
  }
  return all as typeof FLATTEN_DEFAULTS
}
