/** "No value": the one rule for what counts as absent, used by settings, mappings, the widget and cloud mode. */

/** undefined or null. */
export function isNullish(value: unknown): value is undefined | null {
  return value === undefined || value === null
}

/** undefined, null or '' (what a settings form or an unset field sends). */
export function isAbsent(value: unknown): value is undefined | null | '' {
  return value === undefined || value === null || value === ''
}
