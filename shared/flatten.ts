import { isNullish } from './absent'
import { namesUnder, rememberName } from './attribute-names'
import { dateToTimestamp, parseIsoDate } from './dates'
import { resolveOptions, type FlattenOptions } from './flatten-options'
import { MAX_WARNINGS, warning, type WarningCode, type WarningDetail } from './mapping-warnings'
import { cutText, isWellFormed, toWellFormed } from './text'
import type { DateUnit, DriftAttributes, DriftValue, MappingResult, MappingWarning } from './types'

export { isWellFormed }
export { FLATTEN_DEFAULTS, flattenOptionsOf, type FlattenOptions } from './flatten-options'

/** Keys that could reach an object's prototype: never copied, never an attribute name. The length first: nearly
 *  every key and name is answered without comparing it. */
const isUnsafe = (key: string) =>
  (key.length === 9 || key.length === 11) && (key === '__proto__' || key === 'constructor' || key === 'prototype')
const hasOwn = Object.prototype.hasOwnProperty

/** 'object' for plain data (any object tagged Object, class instances too), else the type's name. */
export function typeName(value: unknown): string {
  if (typeof value !== 'object') return typeof value
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (value instanceof Date) return 'Date'
  const proto: unknown = Object.getPrototypeOf(value)
  if (proto === Object.prototype || proto === null) return 'object'
  // The tag, not instanceof: a Date from another frame is a Date too.
  const tag = Object.prototype.toString.call(value).slice(8, -1)
  return tag === 'Object' ? 'object' : tag
}

/** A string, finite number, boolean, BigInt (as text) or valid Date (as a timestamp) as one value, else undefined. */
function scalar(value: unknown, type: string, dateUnit: DateUnit): DriftValue | undefined {
  return type === 'string' || type === 'boolean' || (type === 'number' && Number.isFinite(value))
    ? (value as DriftValue)
    : type === 'bigint'
      ? String(value)
      : type === 'Date'
        ? dateToTimestamp(value as Date, dateUnit)
        : undefined
}

/**
 * Turns traits or properties into Drift's flat attributes (string, number or boolean values). It takes what a
 * Segment event carries: JSON values, Dates and BigInts; anything else (Map, Set, URL, typed arrays, boxed
 * primitives, functions…) is dropped with a warning naming its type. Attributes that `blockedAttributes` blocks
 * (the default list of secrets unless the options say otherwise) are dropped, also as keys inside a JSON-encoded
 * array, with a warning naming the key path and the pattern, never the value. Never throws on its input (invalid
 * options throw a RangeError naming the option); every value dropped or changed is reported in `warnings`.
 */
export function toDriftAttributes(input: unknown, options: FlattenOptions = {}): MappingResult {
  const { separator, dateUnit, maxDepth, maxAttributes, maxStringLength, maxValues, dateKeys, blocklist } =
    resolveOptions(options)
  const attributes: DriftAttributes = {}
  const warnings: MappingWarning[] = []
  let unlisted = 0
  /** Each attribute's name and depth (keys in its path), in order; a lookup table only once names collide. */
  const names: string[] = []
  const depths: number[] = []
  let depthOf: Map<string, number> | undefined
  /** The key path being read (joined only for a warning), and the objects on it (cycles). */
  const path: string[] = []
  const ancestors: object[] = []
  /** Inside an array sent as JSON: the indices and keys below the attribute (joined only for a warning). */
  let jsonPath: Array<string | number> = []
  /** A lower bound of the JSON text being built: past maxStringLength it is cut anyway, so work stops there. */
  let jsonSize = 0
  let read = 0

  // Methods of one object, not named arrow functions: runners that keep names (tsx) would name each one per call.
  const steps = {
    warn(
      code: WarningCode,
      detail?: WarningDetail,
      suffix = '',
      action: MappingWarning['action'] = 'dropped'
    ): undefined {
      // Past the limit only a count, except that reading stopped: the caller must learn that.
      if (warnings.length < MAX_WARNINGS || code === 'unread') {
        warnings.push(warning(path.join('.') + suffix, action, code, detail))
      } else unlisted++
    },

    change(code: WarningCode, detail?: WarningDetail): void {
      steps.warn(code, detail, '', 'changed')
    },

    /** Reads the own enumerable keys of `object`, whose attribute name is `name` ('' at the top). */
    walk(object: object, name: string): void {
      const keys = Object.keys(object)
      const depth = path.length
      if (keys.length === 0 && depth > 0) return steps.warn('empty object')
      const known = namesUnder(separator, name)
      ancestors.push(object)
      for (let i = 0; i < keys.length && read <= maxValues; i++) {
        const key = keys[i]
        path.push(key)
        try {
          let attribute = known.get(key)
          if (++read > maxValues) steps.warn('unread', maxValues)
          else if (attribute !== undefined) steps.visit(attribute, (object as Record<string, unknown>)[key])
          else if (isUnsafe(key)) steps.warn('unsafe-key', key)
          else if (key === '') steps.warn('empty key')
          else {
            const part = isWellFormed(key) ? key : toWellFormed(key)
            attribute = depth > 0 ? name + separator + part : part
            if (part === key) rememberName(known, key, attribute)
            else steps.change('name-surrogates')
            steps.visit(attribute, (object as Record<string, unknown>)[key])
          }
        } catch {
          // A getter or Proxy trap that throws: that value is dropped, the rest is kept.
          path.length = ancestors.length = depth + 1
          steps.warn('threw')
        }
        path.pop()
      }
      ancestors.pop()
    },

    visit(name: string, value: unknown): void {
      const type = typeName(value)
      if (type === 'string') return steps.string(name, value as string)
      if (type === 'object') {
        if (path.length >= maxDepth) return steps.warn('too-deep', maxDepth)
        if (ancestors.includes(value as object)) return steps.warn('circular reference')
        return steps.walk(value as object, name)
      }
      if (type === 'array') return steps.array(name, value as unknown[])
      const drift = scalar(value, type, dateUnit)
      if (drift === undefined) {
        if (type === 'Date') return steps.warn('invalid Date')
        if (type === 'number') return steps.warn('not-finite', String(value))
        return isNullish(value) ? steps.warn(type as WarningCode) : steps.warn('not-data', type)
      }
      if (type === 'bigint') steps.change('bigint')
      steps.emit(name, drift)
    },

    string(name: string, value: string): void {
      if (dateKeys.has(name)) {
        const date = parseIsoDate(value)
        return date ? steps.emit(name, dateToTimestamp(date, dateUnit) as number) : steps.warn('not-iso-date', name)
      }
      let text = value
      if (!isWellFormed(text)) {
        text = toWellFormed(text)
        steps.change('surrogates')
      }
      if (text.length > maxStringLength) {
        text = cutText(text, maxStringLength)
        steps.change('cut', maxStringLength)
      }
      steps.emit(name, text)
    },

    /** Arrays never add attributes: primitives and Dates join with ',', anything holding objects becomes JSON. */
    array(name: string, items: unknown[]): void {
      if (items.some((item) => typeof item === 'object' && item !== null && typeName(item) !== 'Date')) {
        jsonSize = 0
        jsonPath = []
        const text = JSON.stringify(steps.json(items, maxDepth - path.length))
        steps.change('json')
        return steps.string(name, text)
      }
      let text: string | undefined
      for (let i = 0; i < items.length; i++) {
        const type = typeName(items[i])
        const part = scalar(items[i], type, dateUnit)
        if (part !== undefined) text = text === undefined ? String(part) : text + ',' + part
        else steps.warn('array-item', type === 'number' || type === 'Date' ? String(items[i]) : type, `[${i}]`)
      }
      steps.string(name, text ?? '')
    },

    /** A JSON-ready copy: Dates as timestamps, BigInts as text, cycles and values nested too deep as null. What
     *  JSON.stringify would leave out silently (or write as `{}`, a Map) is left out with a warning. */
    json(value: unknown, depthLeft: number): unknown {
      if (jsonSize > maxStringLength) return undefined
      jsonSize += typeof value === 'string' ? value.length + 2 : 1
      const type = typeName(value)
      if (type !== 'array' && type !== 'object') {
        if (isNullish(value) || type === 'number') return value
        return type === 'Date'
          ? (scalar(value, type, dateUnit) ?? null)
          : (scalar(value, type, dateUnit) ?? steps.warn('not-data', type))
      }
      if (depthLeft <= 0 || ancestors.includes(value as object)) return null
      ancestors.push(value as object)
      let copy: unknown
      if (type === 'array') {
        copy = (value as unknown[]).map((item, i) => {
          jsonPath.push(i)
          const out = steps.json(item, depthLeft - 1)
          jsonPath.pop()
          return out
        })
      } else {
        const object: Record<string, unknown> = (copy = {})
        for (const key of Object.keys(value as object)) {
          jsonSize += key.length + 3
          // A key inside the JSON text is the last key of its path: checked on its own (`users[0].password`).
          const blockedBy = blocklist?.blockedBy(key)
          jsonPath.push(key)
          if (isUnsafe(key)) steps.warn('unsafe-key', key)
          else if (blockedBy !== undefined) {
            steps.warn('blocked', blockedBy, jsonPath.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join(''))
          } else object[key] = steps.json((value as Record<string, unknown>)[key], depthLeft - 1)
          jsonPath.pop()
        }
      }
      ancestors.pop()
      return copy
    },

    /**
     * Stores one attribute. Collisions (`{ a_b: 1, a: { b: 2 } }` both name `a_b`): the shallower key path wins,
     * as that key is the one the sender wrote; at equal depth the first in key order wins. The loser is reported.
     */
    emit(name: string, value: DriftValue): void {
      if (isUnsafe(name)) return steps.warn('unsafe-name', name)
      const blockedBy = blocklist?.blockedBy(name)
      if (blockedBy !== undefined) return steps.warn('blocked', blockedBy)
      const depth = path.length
      if (attributes[name] !== undefined && hasOwn.call(attributes, name)) {
        depthOf ??= new Map(names.map((known, i) => [known, depths[i]]))
        if ((depthOf.get(name) as number) <= depth) return steps.warn('collision', name)
        depthOf.set(name, depth)
        attributes[name] = value
        return steps.change('replaced', name)
      }
      if (names.length >= maxAttributes) return steps.warn('too-many', maxAttributes)
      attributes[name] = value
      names.push(name)
      depths.push(depth)
      depthOf?.set(name, depth)
    }
  }

  try {
    const type = typeName(input)
    if (type === 'object') steps.walk(input as object, '')
    else if (!isNullish(input)) steps.warn('not-an-object', type)
  } catch {
    // Only a hostile input (a revoked Proxy, a trap that throws) gets here: what was mapped is kept.
    steps.warn('threw')
  }
  if (unlisted > 0) warnings.push(warning('', 'dropped', 'more-warnings', unlisted))
  return { attributes, warnings }
}
