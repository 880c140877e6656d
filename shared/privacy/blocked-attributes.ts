/**
 * `blockedAttributes`: attribute names that never reach Drift (secrets a site may have put in traits or
 * properties by mistake). Applied to the flat attributes just before they are sent, in both modes. Pure and
 * zod-free (it goes into the browser bundle).
 *
 * The matching rule (the README's "Privacy and consent" says the same):
 * - A pattern is an attribute name where `*` stands for any run of characters (possibly none).
 * - Names and patterns are compared in a canonical form: lower case, and a camelCase boundary reads as `_`
 *   (`Password` → `password`, `apiKey` → `api_key`, `userPassword` → `user_password`). Attribute names stay
 *   case-sensitive in Drift; a secret is a secret in any case.
 * - A pattern blocks an attribute when it matches the whole flattened name, or the part after any occurrence
 *   of the flattening separator. With separator `_`, `card_number` blocks `card_number`, `billing_card_number`
 *   (from `billing.card_number`) and `billingCardNumber`. Flattening loses where one key ends and the next begins
 *   (`a_b` may be a key or a path), so every separator counts as a possible path boundary: the last key is always
 *   among the parts tried, and a false match can only drop an attribute, never let a secret through.
 */
import { warning } from '../mapping-warnings'
import { NAME_RULE, isName, listOf, named, rule } from '../setting-rule-builders'
import type { DriftAttributes, MappingResult, MappingWarning } from '../types'

export const DEFAULT_BLOCKED_ATTRIBUTES: readonly string[] = [
  'password',
  '*_password',
  'passwd',
  'secret',
  '*_secret',
  'token',
  '*_token',
  'api_key',
  'ssn',
  'credit_card',
  'card_number',
  'cvv'
]

/**
 * The settings rule (`[i] must be …` for an entry; the settings checker puts the setting's name in front). An
 * entry is a name as NAME says (not blank, no spaces around it) of at most 200 characters (code points), and not
 * only `*` (which would block every attribute); the list holds at most 200 entries.
 */
export const blockedAttributesRule = listOf(
  rule<string>(
    (value) => isName(value) && [...value].length <= 200 && /[^*]/.test(value),
    `${NAME_RULE}, at most 200 characters and not only *`
  ),
  200
)

/** Lower case, camelCase boundaries as `_`: `userPassword`, `APIKey` → `user_password`, `api_key`. */
export const canonicalAttributeName = (name: string): string =>
  name.replace(/[a-z0-9](?=[A-Z])|[A-Z](?=[A-Z][a-z])/g, '$&_').toLowerCase()

export interface AttributeBlocklist {
  /** The first pattern that blocks `name` (a flattened attribute name), or undefined when it may be sent. */
  blockedBy(name: string): string | undefined
}

/**
 * Compiles `blockedAttributes` for one flattening separator. Throws a RangeError naming the setting and the
 * rule when the list is invalid (settings are normally checked earlier, with the same rule).
 */
export function compileBlockedAttributes(
  patterns: readonly string[] = DEFAULT_BLOCKED_ATTRIBUTES,
  separator = '_'
): AttributeBlocklist {
  const problem = blockedAttributesRule(patterns)
  if (problem) throw new RangeError(named('blockedAttributes', problem))
  const escape = (text: string) => text.replace(/[$()+.?[\\\]^{|}]/g, '\\$&')
  // A pattern as a RegExp: its first literal piece after the start or a separator (an empty separator makes
  // every position a boundary), the last one at the end, each piece taken at its first occurrence and never
  // tried again (a lookahead does not backtrack), so matching stays linear where `.*a.*a.*b` could backtrack
  // for ever on a long name.
  const tests = patterns.map((pattern) => {
    const [first, ...rest] = canonicalAttributeName(pattern).split(/\*+/)
    const pieces = [`(?:^|${escape(separator.toLowerCase())})${escape(first)}`, ...rest.map(escape)]
    const body = pieces.map((piece, i) => (i < rest.length ? `(?=(.*?${piece}))\\${i + 1}` : '.*' + piece))
    return [pattern, new RegExp(`^${body.join('')}$`, 's')] as const
  })
  // Answers by name ('': not blocked; patterns are never empty).
  const cache = new Map<string, string>()
  return {
    blockedBy(name) {
      let hit = cache.get(name)
      if (hit === undefined) {
        const canonical = canonicalAttributeName(name)
        hit = tests.find(([, test]) => test.test(canonical))?.[0] ?? ''
        // Events repeat their shapes: remember answers, within bounds (hostile input may invent endless names).
        if (cache.size >= 5000) cache.clear()
        cache.set(name, hit)
      }
      return hit || undefined
    }
  }
}

/** The list compiled last (a copy of it, its separator and the result). */
let last: [string[], string, AttributeBlocklist] | undefined

/**
 * The compiled `blockedAttributes` for a separator, compiled once and then reused (with its answer cache) by
 * every event mapped with the same list: the mapping core calls this for each mapping. Compared by content, as
 * cloud settings are parsed per event (a new array each time).
 */
export function blocklistFor(patterns: readonly string[], separator: string): AttributeBlocklist {
  if (
    last?.[1] !== separator ||
    last[0].length !== patterns.length ||
    last[0].some((pattern, i) => pattern !== patterns[i])
  ) {
    // Compiled first: it refuses what is no list (a number, an object) with the setting's rule.
    const compiled = compileBlockedAttributes(patterns, separator)
    last = [[...patterns], separator, compiled]
  }
  return last[2]
}

/**
 * Removes blocked attributes from a flat attribute object (never modified: a copy comes back when something
 * is removed). Each removal gives a warning naming the attribute and the pattern, never the value.
 */
export function dropBlockedAttributes(attributes: DriftAttributes, blocklist: AttributeBlocklist): MappingResult {
  const warnings: MappingWarning[] = []
  let kept: DriftAttributes | undefined
  for (const name of Object.keys(attributes)) {
    const pattern = blocklist.blockedBy(name)
    if (pattern === undefined) continue
    kept ??= { ...attributes }
    delete kept[name]
    warnings.push(warning(name, 'dropped', 'blocked', pattern))
  }
  return { attributes: kept ?? attributes, warnings }
}
