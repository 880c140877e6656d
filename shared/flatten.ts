import { DATE_ATTRIBUTES } from './defaults'
import { dateToTimestamp, parseIsoDate } from './dates'
import type { DateUnit, DriftAttributes, DriftValue, MappingResult, MappingWarning } from './types'

export interface FlattenOptions {
  /** Joins the keys of nested objects: `{ address: { city } }` → `address_city`. Default `_`. */
  separator?: string
  /** Unit for Date values. Default `seconds`, as Segment's classic Drift integration sent. */
  dateUnit?: DateUnit
  /** Values nested deeper than this many keys are dropped. Default 10. */
  maxDepth?: number
  /** At most this many attributes come out; later keys are dropped. Default 1000. */
  maxAttributes?: number
  /** Longer strings are cut to this many characters. Default 65536. */
  maxStringLength?: number
  /** Reading stops after this many keys (shared objects can make a small input enormous). Default 100000. */
  maxValues?: number
  /** Attribute names whose ISO-8601 string values become timestamps. Default: Drift's date attributes. */
  dateKeys?: ReadonlySet<string>
}

/** The flattening options a destination's settings choose (both modes have `dateUnit` and `separator`). */
export function flattenOptionsOf(settings: { dateUnit: DateUnit; separator: string }): FlattenOptions {
  return { dateUnit: settings.dateUnit, separator: settings.separator }
}

export const FLATTEN_DEFAULTS = {
  separator: '_',
  dateUnit: 'seconds' as DateUnit,
  maxDepth: 10,
  maxAttributes: 1000,
  maxStringLength: 65536,
  maxValues: 100_000
}

/** Keys that could reach an object's prototype: dropped at every depth, and as joined attribute names. */
const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

/** UNSAFE_KEYS.has, with a length check first: nearly every key is answered without hashing. */
function isUnsafeName(key: string): boolean {
  return (key.length === 9 || key.length === 11) && UNSAFE_KEYS.has(key)
}

/** Beyond this many warnings only a count is kept, so hostile input cannot grow memory without bound. */
const MAX_WARNINGS = 100

/**
 * Turns any traits or properties object into Drift's flat attributes (string, number or boolean values).
 * Never throws on its input (invalid options throw a RangeError naming the option). Every value it drops or
 * changes is reported in `warnings`. The rules, with examples, are in
 * the README ("How values are mapped").
 */
export function toDriftAttributes(input: unknown, options: FlattenOptions = {}): MappingResult {
  const flattener = new Flattener(options)
  if (input === null || input === undefined) return flattener.result()
  try {
    if (input instanceof Map) input = flattener.mapToObject(input)
    if (typeof input !== 'object' || Array.isArray(input) || isLeafObject(input as object)) {
      flattener.warn('', 'dropped', `expected an object of traits or properties, got ${describeValue(input)}`)
      return flattener.result()
    }
    flattener.walkObject(input as object, '')
  } catch {
    // Only a hostile object (e.g. a revoked Proxy) gets here: keep what was mapped and say so.
    flattener.warn('', 'dropped', 'the input could not be read')
  }
  return flattener.result()
}

/** Objects that are values, not containers of traits: a Date, a list, a boxed primitive or a URL. */
function isLeafObject(object: object): boolean {
  return object instanceof Date || object instanceof Set || isTypedArray(object) || unbox(object) !== undefined
}

/** Uint8Array, Float64Array…: lists of numbers, so they are joined like arrays (never one attribute per item). */
function isTypedArray(object: object): object is ArrayLike<number | bigint> & Iterable<number | bigint> {
  return ArrayBuffer.isView(object) && !(object instanceof DataView)
}

class Flattener {
  private readonly separator: string
  private readonly dateUnit: DateUnit
  private readonly maxDepth: number
  private readonly maxAttributes: number
  private readonly maxStringLength: number
  private readonly maxValues: number
  private readonly dateKeys: ReadonlySet<string>
  private readonly nameCache: NameCache

  private readonly attributes: DriftAttributes = {}
  /** Depth (number of keys in the path) each attribute came from, to settle collisions. */
  private readonly names: string[] = []
  private readonly nameDepths: number[] = []
  private depths: Map<string, number> | undefined
  private readonly warnings: MappingWarning[] = []
  private extraWarnings = 0
  /** The key path of the value being mapped (joined only when a warning needs it), and the objects on it. */
  private readonly keys: string[] = []
  private readonly ancestors: object[] = []
  private visited = 0
  private stopped = false

  constructor(options: FlattenOptions) {
    checkOptions(options)
    this.separator = options.separator ?? FLATTEN_DEFAULTS.separator
    this.dateUnit = options.dateUnit ?? FLATTEN_DEFAULTS.dateUnit
    this.maxDepth = options.maxDepth ?? FLATTEN_DEFAULTS.maxDepth
    this.maxAttributes = options.maxAttributes ?? FLATTEN_DEFAULTS.maxAttributes
    this.maxStringLength = options.maxStringLength ?? FLATTEN_DEFAULTS.maxStringLength
    this.maxValues = options.maxValues ?? FLATTEN_DEFAULTS.maxValues
    this.dateKeys = options.dateKeys ?? DATE_ATTRIBUTES
    this.nameCache = nameCacheFor(this.separator)
  }

  result(): MappingResult {
    if (this.extraWarnings > 0) {
      this.warnings.push({ path: '', action: 'dropped', reason: `${this.extraWarnings} more warnings not listed` })
    }
    return { attributes: this.attributes, warnings: this.warnings }
  }

  warn(path: string, action: MappingWarning['action'], reason: string): void {
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push({ path, action, reason })
    else this.extraWarnings++
  }

  /** A warning about the value being mapped (or one of its array items, with `suffix` such as `[2]`). */
  private warnHere(action: MappingWarning['action'], reason: string, suffix = ''): void {
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push({ path: this.keys.join('.') + suffix, action, reason })
    else this.extraWarnings++
  }

  /**
   * Walks the own enumerable keys of `object`, whose joined attribute name is `name` ('' at the top).
   * `identity` is the object cycles are checked against (the Map itself when `object` holds a Map's entries).
   */
  walkObject(object: object, name: string, identity: object = object): void {
    let keys: string[]
    try {
      keys = Object.keys(object)
    } catch {
      return this.warnHere('dropped', 'its keys could not be read')
    }
    const depth = this.keys.length
    if (keys.length === 0 && depth > 0) this.warnHere('dropped', 'empty object')
    const names = depth === 0 ? undefined : this.nameCache.under(name)
    this.ancestors.push(identity)
    // Keys count against maxValues as they are reserved here, so the budget also covers what is nested below.
    const allowed = Math.max(0, Math.min(keys.length, this.maxValues - this.visited))
    this.visited += allowed
    for (let i = 0; i < allowed; i++) {
      const key = keys[i]
      this.keys.push(key)
      if (isUnsafeName(key)) this.warnHere('dropped', `the key "${key}" is never copied (prototype safety)`)
      else if (key === '') this.warnHere('dropped', 'empty key')
      else {
        // Keys come flat from Object.keys, so checking them is cheaper than checking every joined name.
        let part = key
        if (!isWellFormed(key)) {
          part = toWellFormed(key)
          this.warnHere('changed', 'unpaired UTF-16 surrogates in the name replaced with U+FFFD')
        }
        this.addKey(object, key, names === undefined ? part : this.nameCache.join(names, name, part))
      }
      this.keys.pop()
    }
    if (allowed < keys.length && !this.stopped) {
      this.stopped = true
      // Listed even past the warnings limit: the caller must learn that the input was not read to the end.
      const reason = `more than ${this.maxValues} values: the rest of the input was not read`
      this.warnings.push({ path: this.keys.join('.'), action: 'dropped', reason })
    }
    this.ancestors.pop()
  }

  private addKey(object: object, key: string, name: string): void {
    const depth = this.keys.length
    let value: unknown
    try {
      value = (object as Record<string, unknown>)[key]
    } catch {
      return this.warnHere('dropped', 'reading the value threw')
    }
    try {
      this.addValue(name, value)
    } catch {
      // A hostile object (a Proxy whose traps throw, a revoked Proxy) is dropped, never rethrown.
      // Whatever was pushed below this key before the throw is taken off again.
      this.keys.length = depth
      this.ancestors.length = depth
      this.warnHere('dropped', 'reading the value threw')
    }
  }

  private addValue(name: string, value: unknown): void {
    switch (typeof value) {
      case 'string':
        return this.addString(name, value)
      case 'number':
        if (Number.isFinite(value)) return this.emit(name, value)
        return this.warnHere('dropped', `${value} is not a finite number`)
      case 'boolean':
        return this.emit(name, value)
      case 'bigint':
        this.warnHere('changed', 'BigInt sent as a string')
        return this.emit(name, value.toString())
      case 'undefined':
        return this.warnHere('dropped', 'undefined')
      case 'function':
      case 'symbol':
        return this.warnHere('dropped', `a ${typeof value} is not data`)
    }
    if (value === null) return this.warnHere('dropped', 'null')
    const object = value as object
    if (Array.isArray(object)) return this.addArray(name, object)
    // Plain objects, by far the most common, skip the class checks below.
    const proto: unknown = Object.getPrototypeOf(object)
    if (proto !== Object.prototype && proto !== null) {
      if (object instanceof Date) {
        const timestamp = dateToTimestamp(object, this.dateUnit)
        if (timestamp === undefined) return this.warnHere('dropped', 'invalid Date')
        return this.emit(name, timestamp)
      }
      if (object instanceof Set || isTypedArray(object)) return this.addArray(name, Array.from(object))
      const primitive = unbox(object)
      if (primitive !== undefined) return this.addValue(name, primitive)
    }
    if (this.keys.length >= this.maxDepth) return this.warnHere('dropped', `nested deeper than ${this.maxDepth} levels`)
    if (this.ancestors.includes(object)) return this.warnHere('dropped', 'circular reference')
    if (proto !== Object.prototype && object instanceof Map) {
      return this.walkObject(this.mapToObject(object), name, object)
    }
    this.walkObject(object, name)
  }

  private addString(name: string, value: string): void {
    if (this.dateKeys.has(name)) {
      const date = parseIsoDate(value)
      if (date === undefined) {
        return this.warnHere('dropped', `"${name}" is a date attribute and this is no ISO-8601 date`)
      }
      return this.emit(name, dateToTimestamp(date, this.dateUnit) as number)
    }
    let text = value
    if (!isWellFormed(text)) {
      text = toWellFormed(text)
      this.warnHere('changed', 'unpaired UTF-16 surrogates replaced with U+FFFD')
    }
    if (text.length > this.maxStringLength) {
      text = cutString(text, this.maxStringLength)
      this.warnHere('changed', `string cut to ${this.maxStringLength} characters`)
    }
    this.emit(name, text)
  }

  /** Arrays never add attributes: primitives join with ',', anything holding objects becomes one JSON string. */
  private addArray(name: string, items: ArrayLike<unknown>): void {
    let holdsObjects = false
    for (let i = 0; i < items.length && !holdsObjects; i++) {
      const item = items[i]
      holdsObjects = typeof item === 'object' && item !== null && !(item instanceof Date)
    }
    if (holdsObjects) {
      const json = new JsonWriter(this.dateUnit, this.maxStringLength, this.ancestors).write(
        items,
        this.maxDepth - this.keys.length
      )
      this.warnHere('changed', 'array holding objects sent as one JSON string')
      return this.addString(name, json)
    }
    let text = ''
    let first = true
    for (let i = 0; i < items.length; i++) {
      const item = items[i]
      const part = item instanceof Date ? dateToTimestamp(item, this.dateUnit) : primitiveToString(item)
      if (part === undefined) {
        this.warnHere('dropped', `array item ${describeValue(item)} skipped`, `[${i}]`)
        continue
      }
      // Past the length limit the text is cut anyway: stop building it (items are still checked).
      if (text.length <= this.maxStringLength) text = first ? String(part) : text + ',' + part
      first = false
    }
    this.addString(name, text)
  }

  /** Map entries with primitive keys, as a null-prototype object; entries with other keys are reported. */
  mapToObject(map: Map<unknown, unknown>): Record<string, unknown> {
    return mapToObject(map, (key) =>
      this.warnHere(
        'dropped',
        primitiveToString(key) === undefined
          ? `a Map entry whose key is ${describeValue(key)} (only text or number keys)`
          : `a Map entry whose key "${primitiveToString(key)}" repeats an earlier key`
      )
    )
  }

  /**
   * Stores one attribute. Collisions (`{ a_b: 1, a: { b: 2 } }` both name `a_b`): the value from the
   * shallower key path wins, because that key is the one the sender wrote; at equal depth the first one in
   * key order wins. The loser is reported.
   */
  private emit(name: string, value: DriftValue): void {
    if (isUnsafeName(name)) {
      return this.warnHere('dropped', `"${name}" is never an attribute name (prototype safety)`)
    }
    const depth = this.keys.length
    const found = this.attributes[name]
    if (found !== undefined && hasOwn.call(this.attributes, name)) {
      const existing = this.depthOf(name)
      if (depth < existing) {
        this.attributes[name] = value
        this.depths?.set(name, depth)
        return this.warnHere('changed', `replaced "${name}" that came from a deeper key path (the shallower path wins)`)
      }
      return this.warnHere('dropped', `"${name}" already came from a key path as shallow or shallower`)
    }
    if (this.names.length >= this.maxAttributes) {
      return this.warnHere('dropped', `more than ${this.maxAttributes} attributes`)
    }
    this.attributes[name] = value
    this.names.push(name)
    this.nameDepths.push(depth)
    this.depths?.set(name, depth)
  }

  /** The depth an attribute came from; the lookup table is only built once a collision happens (rare). */
  private depthOf(name: string): number {
    if (this.depths === undefined) {
      this.depths = new Map()
      for (let i = 0; i < this.names.length; i++) this.depths.set(this.names[i], this.nameDepths[i])
    }
    return this.depths.get(name) as number
  }
}

const hasOwn = Object.prototype.hasOwnProperty

const LIMITS = ['maxDepth', 'maxAttributes', 'maxStringLength', 'maxValues'] as const

/** Options come from code, not from events: a wrong one is a programming error, refused by name. */
function checkOptions(options: FlattenOptions): void {
  const { separator, dateUnit } = options
  if (separator !== undefined && typeof separator !== 'string') throw new RangeError('separator must be a string')
  if (dateUnit !== undefined && dateUnit !== 'seconds' && dateUnit !== 'milliseconds') {
    throw new RangeError('dateUnit must be "seconds" or "milliseconds"')
  }
  for (const name of LIMITS) {
    const value = options[name]
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
      throw new RangeError(`${name} must be a whole number >= 1`)
    }
  }
}

/** Characters JSON.stringify escapes: quotes, backslashes, control characters and surrogates. */
// eslint-disable-next-line no-control-regex
const NEEDS_JSON_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/

/**
 * JSON text for an array holding objects: dates converted, unsafe keys left out, cycles and values nested too
 * deep written as null. It stops once the text is longer than `budget` (the text is cut there anyway), so the
 * work stays bounded even when shared objects would make the full JSON enormous.
 */
class JsonWriter {
  private text = ''

  constructor(
    private readonly unit: DateUnit,
    private readonly budget: number,
    private readonly ancestors: object[]
  ) {}

  write(items: ArrayLike<unknown>, depthLeft: number): string {
    this.value(items, depthLeft)
    return this.text
  }

  /** Writes `value`; returns false (writing nothing) when it has no JSON form in an object (undefined, functions). */
  private value(value: unknown, depthLeft: number): boolean {
    if (this.text.length > this.budget) return true
    switch (typeof value) {
      case 'string':
        this.text += NEEDS_JSON_ESCAPE.test(value) ? JSON.stringify(value) : '"' + value + '"'
        return true
      case 'number':
        this.text += Number.isFinite(value) ? String(value) : 'null'
        return true
      case 'boolean':
        this.text += value ? 'true' : 'false'
        return true
      case 'bigint':
        this.text += JSON.stringify(value.toString())
        return true
      case 'undefined':
      case 'function':
      case 'symbol':
        return false
    }
    if (value === null) {
      this.text += 'null'
      return true
    }
    const object = value as object
    if (object instanceof Date) {
      this.text += String(dateToTimestamp(object, this.unit) ?? null)
      return true
    }
    const primitive = unbox(object)
    if (primitive !== undefined) return this.value(primitive, depthLeft)
    if (depthLeft <= 0 || this.ancestors.includes(object)) {
      this.text += 'null'
      return true
    }
    this.ancestors.push(object)
    if (Array.isArray(object) || object instanceof Set || isTypedArray(object)) {
      this.list(Array.isArray(object) ? object : Array.from(object), depthLeft - 1)
    } else {
      this.object(object instanceof Map ? mapToObject(object) : (object as Record<string, unknown>), depthLeft - 1)
    }
    this.ancestors.pop()
    return true
  }

  private list(items: ArrayLike<unknown>, depthLeft: number): void {
    this.text += '['
    for (let i = 0; i < items.length && this.text.length <= this.budget; i++) {
      if (i > 0) this.text += ','
      if (!this.value(items[i], depthLeft)) this.text += 'null'
    }
    this.text += ']'
  }

  private object(source: Record<string, unknown>, depthLeft: number): void {
    this.text += '{'
    let first = true
    for (const key of safeKeys(source)) {
      if (this.text.length > this.budget) break
      if (UNSAFE_KEYS.has(key)) continue
      let item: unknown
      try {
        item = source[key]
      } catch {
        continue
      }
      if (typeof item === 'undefined' || typeof item === 'function' || typeof item === 'symbol') continue
      this.text += (first ? '"' : ',"') + (NEEDS_JSON_ESCAPE.test(key) ? JSON.stringify(key).slice(1, -1) : key) + '":'
      first = false
      this.value(item, depthLeft)
    }
    this.text += '}'
  }
}

/**
 * Joined attribute names, remembered per separator: events have the same shape again and again, and a name
 * built once is hashed once (this made flattening about twice as fast). Invisible to callers; bounded.
 */
class NameCache {
  private readonly prefixes = new Map<string, Map<string, string>>()
  private size = 0

  constructor(private readonly separator: string) {}

  /** The names under one prefix, by key: `join(under('address'), 'address', 'city')` is `address_city`. */
  under(prefix: string): Map<string, string> {
    let names = this.prefixes.get(prefix)
    if (names === undefined) {
      names = new Map()
      if (prefix.length <= MAX_CACHED_NAME_LENGTH) this.prefixes.set(prefix, names)
    }
    return names
  }

  join(names: Map<string, string>, prefix: string, key: string): string {
    const cached = names.get(key)
    if (cached !== undefined) return cached
    const name = prefix + this.separator + key
    if (name.length <= MAX_CACHED_NAME_LENGTH) {
      if (++this.size > MAX_CACHED_NAMES) this.clear()
      names.set(key, name)
    }
    return name
  }

  private clear(): void {
    this.prefixes.clear()
    this.size = 0
  }
}

const MAX_CACHED_NAMES = 20_000
const MAX_CACHED_NAME_LENGTH = 200
const nameCaches = new Map<string, NameCache>()

function nameCacheFor(separator: string): NameCache {
  let cache = nameCaches.get(separator)
  if (cache === undefined) {
    if (nameCaches.size >= 16) nameCaches.clear()
    cache = new NameCache(separator)
    nameCaches.set(separator, cache)
  }
  return cache
}

function safeKeys(object: object): string[] {
  try {
    return Object.keys(object)
  } catch {
    return []
  }
}

/** Map entries with primitive keys, as a null-prototype object; `onSkip` hears of every other key. */
function mapToObject(map: Map<unknown, unknown>, onSkip: (key: unknown) => void = () => undefined) {
  const out: Record<string, unknown> = Object.create(null)
  for (const [key, value] of map) {
    const name = primitiveToString(key)
    // 1 and '1' both read as "1": the first entry wins, like any other collision at the same depth.
    if (name !== undefined && !(name in out)) out[name] = value
    else onSkip(key)
  }
  return out
}

/** The primitive inside a boxed String/Number/Boolean, or a URL-like object's own string form. */
function unbox(object: object): string | number | boolean | undefined {
  if (object instanceof String || object instanceof Number || object instanceof Boolean) return object.valueOf()
  if (typeof URL !== 'undefined' && object instanceof URL) return object.toString()
  if (typeof URLSearchParams !== 'undefined' && object instanceof URLSearchParams) return object.toString()
  return undefined
}

function primitiveToString(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  return undefined
}

/**
 * A surrogate pair, or a lone surrogate: pairs match first, so only lone ones are replaced. No lookbehind: a
 * regex literal with one does not even parse in Safari before 16.4, which would break the whole bundle.
 */
const SURROGATES = /[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g

type WellFormedCheck = { isWellFormed(): boolean }
const nativeIsWellFormed = (String.prototype as Partial<WellFormedCheck>).isWellFormed

export function isWellFormed(text: string): boolean {
  // A method call, not `.call`: V8 inlines it, and it runs for every attribute name.
  return nativeIsWellFormed ? (text as unknown as WellFormedCheck).isWellFormed() : toWellFormed(text) === text
}

function toWellFormed(text: string): string {
  return text.replace(SURROGATES, (unit) => (unit.length === 2 ? unit : '\uFFFD'))
}

/** The first `length` UTF-16 units, one shorter when the cut would split a surrogate pair. */
function cutString(text: string, length: number): string {
  const code = text.charCodeAt(length - 1)
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? length - 1 : length)
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  if (typeof value === 'number') return Number.isFinite(value) ? 'a number' : String(value)
  if (Array.isArray(value)) return 'an array'
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? 'a Date' : 'an invalid Date'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}
