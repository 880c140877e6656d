import { isNullish } from './absent'
import { typeName } from './record'
import { beginNames, knownName, nameRecord, namesUnder, rememberName, type AttributeName } from './attribute-names'
import { dateToTimestamp, toTimestamp } from './dates'
import { withDefaults, type FlattenOptions } from './flatten-options'
import { MAX_WARNINGS, warning, type WarningCode, type WarningDetail } from './mapping-warnings'
import { blocklistFor, type AttributeBlocklist } from './privacy/blocked-attributes'
import { cutText, isWellFormed, toWellFormed } from './text'
import type { DateUnit, DriftAttributes, DriftValue, MappingResult, MappingWarning } from './types'

export { FLATTEN_DEFAULTS, flattenOptionsOf, type FlattenOptions } from './flatten-options'

/** Keys that could reach an object's prototype: never copied, never an attribute name. The length first: nearly
 *  every key and name is answered without comparing it. */
const isUnsafe = (key: string) =>
  (key.length === 9 || key.length === 11) && (key === '__proto__' || key === 'constructor' || key === 'prototype')

/**
 * A string, finite number, boolean, BigInt (as text) or valid Date (as a timestamp in `unit`) as one value, else
 * undefined: the rule for a value, an array item and a value inside JSON.
 */
function scalar(value: unknown, type: string, unit: DateUnit): DriftValue | undefined {
  return type === 'string' || type === 'boolean' || (type === 'number' && Number.isFinite(value))
    ? (value as DriftValue)
    : type === 'bigint'
      ? String(value)
      : type === 'Date'
        ? dateToTimestamp(value as Date, unit)
        : undefined
}

// One walk at a time (flattening is synchronous), so its state lives here rather than in closures made per call.
let separator: string, dateUnit: DateUnit, dateKeys: ReadonlySet<string>, blocklist: AttributeBlocklist | undefined
let maxDepth: number, maxAttributes: number, maxStringLength: number, maxValues: number
let attributes: DriftAttributes, warnings: MappingWarning[], unlisted: number, stored: number, call: number
/** The key path being read (joined only for a warning), the objects on it (cycles), the keys read so far, and
 *  the last name found safe and not blocked (the blocklist is fixed for a call: emit need not check it again). */
let path: string[], ancestors: object[], read: number, cleared: AttributeName | undefined
let written: number // what the JSON of an array holds so far (`copy`)
let busy = false

/**
 * Turns traits or properties into Drift's flat attributes (string, number or boolean values). It takes what a
 * Segment event carries: JSON values, Dates and BigInts; anything else (Map, Set, URL, typed arrays, boxed
 * primitives, functions…) is dropped with a warning naming its type. Attributes that `blockedAttributes` blocks
 * (the default list of secrets unless the options say otherwise) are dropped, also as keys inside a JSON-encoded
 * array, with a warning naming the key path and the pattern, never the value. Never throws on its input; every
 * value dropped or changed is reported in `warnings`.
 */
export function toDriftAttributes(input: unknown, options: FlattenOptions = {}): MappingResult {
  // Only a getter of the input calling back in gets here: it gets nothing rather than spoil the walk under way.
  if (busy) return { attributes: {}, warnings: [warning('', 'dropped', 'threw')] }
  const o = withDefaults(options)
  ;({ separator, dateUnit, maxDepth, maxAttributes, maxStringLength, maxValues, dateKeys } = o)
  // [] blocks nothing; anything else is compiled, which refuses what is no list of patterns (never silently off).
  const list = o.blockedAttributes
  blocklist = Array.isArray(list) && list.length === 0 ? undefined : blocklistFor(list, separator)
  const result = { attributes: (attributes = {}), warnings: (warnings = []) }
  unlisted = read = stored = 0
  cleared = undefined // a record of the last call may name a name now blocked
  call = beginNames(separator, blocklist)
  path = []
  ancestors = []
  busy = true
  try {
    const type = typeName(input)
    if (type === 'object') walk(input as never, '')
    else if (!isNullish(input)) warn('not-an-object', type)
  } catch {
    // Only a hostile input (a revoked Proxy, a trap that throws) gets here: what was mapped is kept.
    warn('threw')
  }
  busy = false
  if (unlisted > 0) warnings.push(warning('', 'dropped', 'more-warnings', unlisted))
  return result
}

function warn(code: WarningCode, detail?: WarningDetail, at = '', action: MappingWarning['action'] = 'dropped') {
  // Past the limit only a count, except that reading stopped: the caller must learn that.
  if (warnings.length < MAX_WARNINGS || code === 'unread') {
    warnings.push(warning(path.join('.') + at, action, code, detail))
  } else unlisted++
}

const change = (code: WarningCode, detail?: WarningDetail) => warn(code, detail, '', 'changed')

/** Reads the own enumerable keys of `object`, whose attribute name is `name` ('' at the top). */
function walk(object: Record<string, unknown>, name: string): void {
  const keys = Object.keys(object)
  const depth = path.length
  if (keys.length === 0 && depth > 0) return warn('empty object')
  // Events repeat one shape: a joined name is built, hashed and checked once.
  const known = namesUnder(name)
  ancestors.push(object)
  for (let i = 0; i < keys.length && read <= maxValues; i++) {
    const key = keys[i]
    path.push(key)
    try {
      const record = known.get(key)
      if (++read > maxValues) warn('unread', maxValues)
      else if (record !== undefined) visit((cleared = record).text, object[key])
      else if (isUnsafe(key)) warn('unsafe-key', key)
      else if (key === '') warn('empty key')
      else {
        const part = isWellFormed(key) ? key : toWellFormed(key)
        const attribute = depth > 0 ? name + separator + part : part
        // Kept only when it may be sent, so that a name from the cache skips emit's checks.
        if (part !== key) change('name-surrogates')
        else if (!isUnsafe(attribute) && !blocklist?.blockedBy(attribute)) cleared = rememberName(known, key, attribute)
        visit(attribute, object[key])
      }
    } catch {
      // A getter or Proxy trap that throws: that value is dropped, the rest is kept.
      path.length = ancestors.length = depth + 1
      warn('threw')
    }
    path.pop()
  }
  ancestors.pop()
}

function visit(name: string, value: unknown): void {
  const type = typeName(value)
  if (type === 'string') return text(name, value as string)
  if (type === 'object') {
    if (path.length >= maxDepth) return warn('too-deep', maxDepth)
    return ancestors.includes(value as object) ? warn('circular reference') : walk(value as never, name)
  }
  if (type === 'array') return array(name, value as unknown[])
  const drift = scalar(value, type, dateUnit)
  if (drift === undefined) {
    if (type === 'Date') return warn('invalid Date')
    if (type === 'number') return warn('not-finite', String(value))
    return isNullish(value) ? warn(type as WarningCode) : warn('not-data', type)
  }
  if (type === 'bigint') change('bigint')
  emit(name, drift)
}

function text(name: string, value: string): void {
  if (dateKeys.has(name)) {
    const timestamp = toTimestamp(value, dateUnit)
    return timestamp === undefined ? warn('not-iso-date', name) : emit(name, timestamp)
  }
  if (!isWellFormed(value)) {
    value = toWellFormed(value)
    change('surrogates')
  }
  if (value.length > maxStringLength) {
    value = cutText(value, maxStringLength)
    change('cut', maxStringLength)
  }
  emit(name, value)
}

/** Arrays never add attributes: primitives and Dates join with ',', anything holding objects becomes JSON. */
function array(name: string, items: unknown[]): void {
  if (items.some((item) => typeof item === 'object' && item !== null && typeName(item) !== 'Date')) {
    written = 0
    const encoded = JSON.stringify(copy(items, ''))
    change('json')
    return text(name, encoded)
  }
  const parts: DriftValue[] = []
  for (let i = 0; i < items.length; i++) {
    const type = typeName(items[i])
    const part = scalar(items[i], type, dateUnit)
    if (part !== undefined) parts.push(part)
    else warn('array-item', type === 'number' || type === 'Date' ? String(items[i]) : type, `[${i}]`)
  }
  text(name, parts.join(','))
}

/**
 * A JSON-ready copy of what an array holds, `at` and `step` its place under the attribute (`[0]`, `.sku`): Dates
 * as timestamps, BigInts as text, cycles and values nested beyond maxDepth as null, unsafe and blocked keys left out. What
 * JSON.stringify would leave out silently (or write as `{}`, a Map) is left out with a warning. Past
 * maxStringLength (the text is cut anyway) nothing more is read: shared objects could make it enormous.
 * (A JSON.stringify replacer was tried: no smaller once gzipped, and `npm run bench` about 15% slower.)
 */
function copy(value: unknown, at: string, step?: string | number): unknown {
  if (written > maxStringLength) return undefined
  const type = typeName(value)
  if (type === 'array' || type === 'object') {
    // The objects on the walk's path count: the array is `ancestors.length` keys deep.
    if (ancestors.length >= maxDepth || ancestors.includes(value as object)) return null
    written++
    // The place of a container only: a value's own place is never needed (`${at}.${key}` for a blocked key).
    if (step !== undefined) at += typeof step === 'number' ? `[${step}]` : '.' + step
    ancestors.push(value as object)
    let out: unknown
    if (type === 'array') out = (value as unknown[]).map((item, i) => copy(item, at, i))
    else {
      const object: Record<string, unknown> = (out = {})
      for (const key of Object.keys(value as object)) {
        // A key inside the JSON text is the last key of its path: checked on its own (`users[0].password`).
        const blockedBy = blocklist?.blockedBy(key)
        if (isUnsafe(key)) warn('unsafe-key', key)
        else if (blockedBy !== undefined) warn('blocked', blockedBy, `${at}.${key}`)
        else object[key] = copy((value as Record<string, unknown>)[key], at, key)
      }
    }
    ancestors.pop()
    return out
  }
  const out =
    isNullish(value) || type === 'number'
      ? value
      : (scalar(value, type, dateUnit) ?? (type === 'Date' ? null : warn('not-data', type)))
  // What is written is at least as long as this: the count is a lower bound of the text's length.
  if (out !== undefined) written += typeof out === 'string' ? out.length : 1
  return out
}

/** Stores one attribute. Collisions (`{ a_b: 1, a: { b: 2 } }` both name `a_b`): the shallower key path wins, as
 *  that key is the one the sender wrote; at equal depth the first in key order wins. The loser is reported. */
function emit(name: string, value: DriftValue): void {
  let record = cleared
  if (name !== record?.text) {
    if (isUnsafe(name)) return warn('unsafe-name', name)
    const blockedBy = blocklist?.blockedBy(name)
    if (blockedBy !== undefined) return warn('blocked', blockedBy)
    // Looked up only: a name dropped below (too many) gets no record, so hostile input builds none.
    record = knownName(name)
  }
  const depth = path.length
  // Stored by this call: its record says so (one record per name), no lookup in `attributes` needed.
  if (record?.call === call) {
    if (record.depth <= depth) return warn('collision', name)
    record.depth = depth
    attributes[name] = value
    return change('replaced', name)
  }
  if (stored >= maxAttributes) return warn('too-many', maxAttributes)
  attributes[name] = value
  stored++
  record ??= nameRecord(name)
  record.call = call
  record.depth = depth
}
