import { dateToTimestamp, parseIsoDate } from './dates'
import { joinName, namesUnder } from './attribute-names'
import { resolveOptions, type FlattenOptions, type ResolvedOptions } from './flatten-options'
import { WarningList, type WarningCode, type WarningDetail } from './mapping-warnings'
import { cutText, isWellFormed, toWellFormed } from './text'
import type { DriftAttributes, DriftValue, MappingResult, MappingWarning } from './types'

export { isWellFormed }
export { FLATTEN_DEFAULTS, flattenOptionsOf, type FlattenOptions } from './flatten-options'

/** Keys that could reach an object's prototype: never copied, never an attribute name. */
const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])
/** The length first: nearly every key and name is answered without hashing it. */
const isUnsafe = (key: string) => (key.length === 9 || key.length === 11) && UNSAFE_KEYS.has(key)
/** What an array of values may hold to be joined into one text (and Dates). */
const JOINABLE: ReadonlySet<string> = new Set(['string', 'number', 'boolean', 'bigint'])

/**
 * Turns traits or properties into Drift's flat attributes (string, number or boolean values). It takes what a
 * Segment event carries: JSON values, Dates and BigInts; anything else (Map, Set, URL, typed arrays, boxed
 * primitives, functions…) is dropped with a warning naming its type. Attributes that `blockedAttributes` blocks
 * (the default list of secrets unless the options say otherwise) are dropped, also as keys inside a JSON-encoded
 * array, with a warning naming the key path and the pattern, never the value. Never throws on its input (invalid
 * options throw a RangeError naming the option); every value dropped or changed is reported in `warnings`.
 */
export function toDriftAttributes(input: unknown, options: FlattenOptions = {}): MappingResult {
  const flattener = new Flattener(options)
  try {
    const type = typeName(input)
    if (type === 'object') flattener.walk(input as object, '')
    else if (type !== 'null' && type !== 'undefined') flattener.warn('dropped', 'not-an-object', type)
  } catch {
    // Only a hostile input (a revoked Proxy, a trap that throws) gets here: what was mapped is kept.
    flattener.warn('dropped', 'threw')
  }
  return flattener.result()
}

/** 'object' for plain data (any object tagged Object, class instances too), else the type's name. */
function typeName(value: unknown): string {
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

/** `[0].password` from [0, 'password']. */
const jsonPathText = (path: Array<string | number>) =>
  path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('')

class Flattener {
  private readonly o: ResolvedOptions
  private readonly attributes: DriftAttributes = {}
  /** Each attribute's name and depth (keys in its path), in order; a lookup table only once names collide. */
  private readonly names: string[] = []
  private readonly depths: number[] = []
  private depthOf: Map<string, number> | undefined
  private readonly warnings = new WarningList()
  /** The key path being read (joined only for a warning), and the objects on it (cycles). */
  private readonly path: string[] = []
  private readonly ancestors: object[] = []
  /** Inside an array sent as JSON: the indices and keys below the attribute (joined only for a warning). */
  private readonly jsonPath: Array<string | number> = []
  private read = 0
  /** A lower bound of the JSON text being built: past maxStringLength it is cut anyway, so work stops there. */
  private jsonSize = 0

  constructor(options: FlattenOptions) {
    this.o = resolveOptions(options)
  }

  result(): MappingResult {
    return { attributes: this.attributes, warnings: this.warnings.list() }
  }

  warn(action: MappingWarning['action'], code: WarningCode, detail?: WarningDetail, suffix = ''): undefined {
    return this.warnings.add(this.path.join('.') + suffix, action, code, detail)
  }

  /** Reads the own enumerable keys of `object`, whose attribute name is `name` ('' at the top). */
  walk(object: object, name: string): void {
    const keys = Object.keys(object)
    const depth = this.path.length
    if (keys.length === 0 && depth > 0) return this.warn('dropped', 'empty object')
    const names = depth === 0 ? undefined : namesUnder(this.o.separator, name)
    this.ancestors.push(object)
    for (let i = 0; i < keys.length && this.read <= this.o.maxValues; i++) {
      this.path.push(keys[i])
      try {
        this.key(object, keys[i], name, names)
      } catch {
        // A getter or Proxy trap that throws: that value is dropped, the rest is kept.
        this.path.length = this.ancestors.length = depth + 1
        this.warn('dropped', 'threw')
      }
      this.path.pop()
    }
    this.ancestors.pop()
  }

  private key(object: object, key: string, parent: string, names: Map<string, string> | undefined): void {
    if (++this.read > this.o.maxValues) {
      return this.warnings.always(this.path.join('.'), 'dropped', 'unread', this.o.maxValues)
    }
    if (isUnsafe(key)) return this.warn('dropped', 'unsafe-key', key)
    if (key === '') return this.warn('dropped', 'empty key')
    let part = key
    if (!isWellFormed(key)) {
      part = toWellFormed(key)
      this.warn('changed', 'name-surrogates')
    }
    const name = names === undefined ? part : joinName(names, parent, this.o.separator, key, part)
    this.value(name, (object as Record<string, unknown>)[key])
  }

  private value(name: string, value: unknown): void {
    const type = typeName(value)
    if (type === 'string') return this.string(name, value as string)
    if (type === 'boolean' || (type === 'number' && Number.isFinite(value))) return this.emit(name, value as number)
    if (type === 'number') return this.warn('dropped', 'not-finite', String(value))
    if (type === 'bigint') {
      this.warn('changed', 'bigint')
      return this.emit(name, String(value))
    }
    if (type === 'null' || type === 'undefined') return this.warn('dropped', type)
    if (type === 'Date') {
      const timestamp = dateToTimestamp(value as Date, this.o.dateUnit)
      return timestamp === undefined ? this.warn('dropped', 'invalid Date') : this.emit(name, timestamp)
    }
    if (type === 'array') return this.array(name, value as unknown[])
    if (type !== 'object') return this.warn('dropped', 'not-data', type)
    if (this.path.length >= this.o.maxDepth) return this.warn('dropped', 'too-deep', this.o.maxDepth)
    if (this.ancestors.includes(value as object)) return this.warn('dropped', 'circular reference')
    this.walk(value as object, name)
  }

  private string(name: string, value: string): void {
    if (this.o.dateKeys.has(name)) {
      const date = parseIsoDate(value)
      if (date === undefined) return this.warn('dropped', 'not-iso-date', name)
      return this.emit(name, dateToTimestamp(date, this.o.dateUnit) as number)
    }
    let text = value
    if (!isWellFormed(text)) {
      text = toWellFormed(text)
      this.warn('changed', 'surrogates')
    }
    if (text.length > this.o.maxStringLength) {
      text = cutText(text, this.o.maxStringLength)
      this.warn('changed', 'cut', this.o.maxStringLength)
    }
    this.emit(name, text)
  }

  /** Arrays never add attributes: primitives and Dates join with ',', anything holding objects becomes JSON. */
  private array(name: string, items: unknown[]): void {
    if (items.some((item) => typeof item === 'object' && item !== null && typeName(item) !== 'Date')) {
      this.jsonSize = 0
      const json = JSON.stringify(this.json(items, this.o.maxDepth - this.path.length))
      this.warn('changed', 'json')
      return this.string(name, json)
    }
    let text: string | undefined
    for (let i = 0; i < items.length; i++) {
      const item = items[i]
      const type = typeName(item)
      const joinable = JOINABLE.has(type) && (type !== 'number' || Number.isFinite(item))
      const part = type === 'Date' ? dateToTimestamp(item as Date, this.o.dateUnit) : joinable ? item : undefined
      if (part !== undefined) text = text === undefined ? String(part) : text + ',' + part
      else this.warn('dropped', 'array-item', type === 'number' || type === 'Date' ? String(item) : type, `[${i}]`)
    }
    this.string(name, text ?? '')
  }

  /** A JSON-ready copy: Dates as timestamps, BigInts as text, cycles and values nested too deep as null. What
   *  JSON.stringify would leave out silently (or write as `{}`, a Map) is left out with a warning. */
  private json(value: unknown, depthLeft: number): unknown {
    if (this.jsonSize > this.o.maxStringLength) return undefined
    this.jsonSize += typeof value === 'string' ? value.length + 2 : 1
    const type = typeName(value)
    if (type === 'bigint') return String(value)
    if (type === 'Date') return dateToTimestamp(value as Date, this.o.dateUnit) ?? null
    if (JOINABLE.has(type) || type === 'null' || type === 'undefined') return value
    if (type !== 'array' && type !== 'object') return this.warn('dropped', 'not-data', type)
    if (depthLeft <= 0 || this.ancestors.includes(value as object)) return null
    this.ancestors.push(value as object)
    let copy: unknown
    const inside = this.jsonPath
    if (type === 'array') {
      copy = (value as unknown[]).map((item, i) => {
        inside.push(i)
        const out = this.json(item, depthLeft - 1)
        inside.pop()
        return out
      })
    } else {
      const object: Record<string, unknown> = (copy = {})
      for (const key of Object.keys(value as object)) {
        this.jsonSize += key.length + 3
        // A key inside the JSON text is the last key of its path: checked on its own (`users[0].password`).
        const blockedBy = this.o.blocklist?.blockedBy(key)
        inside.push(key)
        if (isUnsafe(key)) this.warn('dropped', 'unsafe-key', key)
        else if (blockedBy !== undefined) this.warn('dropped', 'blocked', blockedBy, jsonPathText(inside))
        else object[key] = this.json((value as Record<string, unknown>)[key], depthLeft - 1)
        inside.pop()
      }
    }
    this.ancestors.pop()
    return copy
  }

  /**
   * Stores one attribute. Collisions (`{ a_b: 1, a: { b: 2 } }` both name `a_b`): the shallower key path wins,
   * as that key is the one the sender wrote; at equal depth the first in key order wins. The loser is reported.
   */
  private emit(name: string, value: DriftValue): void {
    if (isUnsafe(name)) return this.warn('dropped', 'unsafe-name', name)
    const blockedBy = this.o.blocklist?.blockedBy(name)
    if (blockedBy !== undefined) return this.warn('dropped', 'blocked', blockedBy)
    const depth = this.path.length
    if (this.attributes[name] !== undefined && Object.prototype.hasOwnProperty.call(this.attributes, name)) {
      this.depthOf ??= new Map(this.names.map((known, i) => [known, this.depths[i]]))
      if ((this.depthOf.get(name) as number) <= depth) return this.warn('dropped', 'collision', name)
      this.depthOf.set(name, depth)
      this.attributes[name] = value
      return this.warn('changed', 'replaced', name)
    }
    if (this.names.length >= this.o.maxAttributes) return this.warn('dropped', 'too-many', this.o.maxAttributes)
    this.attributes[name] = value
    this.names.push(name)
    this.depths.push(depth)
    this.depthOf?.set(name, depth)
  }
}
