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
import { NAME, named, stringList, type ItemRule } from '../setting-rule-builders'
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
 * An entry of `blockedAttributes`: 1-200 characters without spaces around it, and not only `*` (which would block
 * every attribute). The list holds at most 200 entries.
 */
export const BLOCKED_ATTRIBUTE: ItemRule = {
  // A NAME (the pattern after its `^`), at most 200 characters and not only `*`.
  pattern: new RegExp(`^(?!\\**$)(?=[\\s\\S]{1,200}$)${NAME.pattern.source.slice(1)}`, 'u'),
  rule: 'must be a name or *-pattern: 1-200 characters, no spaces around it, not only *'
}

/** The settings rule (`[i] must be …` for an entry; the settings checker puts the setting's name in front). */
export const blockedAttributesRule = stringList(BLOCKED_ATTRIBUTE, 200)

/** Lower case, camelCase boundaries as `_`: `userPassword`, `APIKey` → `user_password`, `api_key`. */
export function canonicalAttributeName(name: string): string {
  if (name === name.toLowerCase()) return name
  return name.replace(/[a-z0-9](?=[A-Z])|[A-Z](?=[A-Z][a-z])/g, '$&_').toLowerCase()
}

/** A `*` glob as its literal pieces; matched greedily with indexOf (linear-ish, no regular expression to blow up). */
function globMatches(pieces: readonly string[], name: string): boolean {
  const last = pieces.length - 1
  if (last === 0) return name === pieces[0]
  const end = name.length - pieces[last].length
  if (end < pieces[0].length || !name.startsWith(pieces[0]) || !name.endsWith(pieces[last])) return false
  let at = pieces[0].length
  for (let i = 1; i < last && at >= 0; i++) {
    at = name.indexOf(pieces[i], at)
    if (at >= 0) at += pieces[i].length
  }
  return at >= 0 && at <= end
}

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
  // Each pattern P becomes two globs: P (the whole name) and `*<separator>P` (the part after a separator). An
  // empty separator (keys joined as they are) makes every position a possible boundary: `*P`.
  const globs = patterns.map((pattern) => {
    const pieces = canonicalAttributeName(pattern).split(/\*+/)
    return [pattern, pieces, ['', separator.toLowerCase() + pieces[0], ...pieces.slice(1)]] as const
  })
  // Answers by name ('': not blocked; patterns are never empty).
  const cache = new Map<string, string>()
  return {
    blockedBy(name) {
      let hit = cache.get(name)
      if (hit === undefined) {
        const canonical = canonicalAttributeName(name)
        hit =
          globs.find(([, whole, suffix]) => globMatches(whole, canonical) || globMatches(suffix, canonical))?.[0] ?? ''
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
    last = [[...patterns], separator, compileBlockedAttributes(patterns, separator)]
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
