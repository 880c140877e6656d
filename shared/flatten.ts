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
  /** Attribute names whose ISO-8601 string values become timestamps. Default: Drift's date attributes. */
  dateKeys?: ReadonlySet<string>
}

export const FLATTEN_DEFAULTS = {
  separator: '_',
  dateUnit: 'seconds' as DateUnit,
  maxDepth: 10,
  maxAttributes: 1000,
  maxStringLength: 65536
}

/** Keys that could reach an object's prototype: dropped at every depth, and as joined attribute names. */
const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

/** Beyond this many warnings only a count is kept, so hostile input cannot grow memory without bound. */
const MAX_WARNINGS = 100

/**
 * Turns any traits or properties object into Drift's flat attributes (string, number or boolean values).
 * Never throws. Every value it drops or changes is reported in `warnings`. The rules, with examples, are in
 * the README ("How values are mapped").
 */
export function toDriftAttributes(input: unknown, options: FlattenOptions = {}): MappingResult {
  const flattener = new Flattener(options)
  if (input === null || input === undefined) return flattener.result()
  try {
    if (input instanceof Map) input = flattener.mapToObject(input, '')
    if (typeof input !== 'object' || Array.isArray(input) || isLeafObject(input as object)) {
      flattener.warn('', 'dropped', `expected an object of traits or properties, got ${describeValue(input)}`)
      return flattener.result()
    }
    flattener.walkObject(input as object, '', '', 0, [])
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
  private readonly dateKeys: ReadonlySet<string>

  private readonly attributes: DriftAttributes = {}
  /** Depth (number of keys in the path) each attribute came from, to settle collisions. */
  private readonly depths: Record<string, number> = Object.create(null)
  private count = 0
  private readonly warnings: MappingWarning[] = []
  private extraWarnings = 0

  constructor(options: FlattenOptions) {
    this.separator = options.separator ?? FLATTEN_DEFAULTS.separator
    this.dateUnit = options.dateUnit ?? FLATTEN_DEFAULTS.dateUnit
    this.maxDepth = options.maxDepth ?? FLATTEN_DEFAULTS.maxDepth
    this.maxAttributes = options.maxAttributes ?? FLATTEN_DEFAULTS.maxAttributes
    this.maxStringLength = options.maxStringLength ?? FLATTEN_DEFAULTS.maxStringLength
    this.dateKeys = options.dateKeys ?? DATE_ATTRIBUTES
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

  /** Walks the own enumerable keys of `object`, found at `name` (joined attribute name) and `path`. */
  walkObject(object: object, name: string, path: string, depth: number, ancestors: object[]): void {
    let keys: string[]
    try {
      keys = Object.keys(object)
    } catch {
      this.warn(path, 'dropped', 'its keys could not be read')
      return
    }
    if (keys.length === 0 && depth > 0) this.warn(path, 'dropped', 'empty object')
    ancestors.push(object)
    for (const key of keys) {
      const keyPath = path === '' ? key : `${path}.${key}`
      if (UNSAFE_KEYS.has(key)) {
        this.warn(keyPath, 'dropped', `the key "${key}" is never copied (prototype safety)`)
        continue
      }
      if (key === '') {
        this.warn(keyPath, 'dropped', 'empty key')
        continue
      }
      let value: unknown
      try {
        value = (object as Record<string, unknown>)[key]
      } catch {
        this.warn(keyPath, 'dropped', 'reading the value threw')
        continue
      }
      try {
        this.addValue(name === '' ? key : name + this.separator + key, value, keyPath, depth + 1, ancestors)
      } catch {
        // A hostile object (a Proxy whose traps throw, a revoked Proxy) is dropped, never rethrown.
        ancestors.length = depth + 1
        this.warn(keyPath, 'dropped', 'reading the value threw')
      }
    }
    ancestors.pop()
  }

  private addValue(name: string, value: unknown, path: string, depth: number, ancestors: object[]): void {
    switch (typeof value) {
      case 'string':
        return this.addString(name, value, path, depth)
      case 'number':
        if (Number.isFinite(value)) return this.emit(name, value, path, depth)
        return this.warn(path, 'dropped', `${value} is not a finite number`)
      case 'boolean':
        return this.emit(name, value, path, depth)
      case 'bigint':
        this.warn(path, 'changed', 'BigInt sent as a string')
        return this.emit(name, value.toString(), path, depth)
      case 'undefined':
        return this.warn(path, 'dropped', 'undefined')
      case 'function':
      case 'symbol':
        return this.warn(path, 'dropped', `a ${typeof value} is not data`)
    }
    if (value === null) return this.warn(path, 'dropped', 'null')
    const object = value as object
    if (object instanceof Date) {
      const timestamp = dateToTimestamp(object, this.dateUnit)
      if (timestamp === undefined) return this.warn(path, 'dropped', 'invalid Date')
      return this.emit(name, timestamp, path, depth)
    }
    if (Array.isArray(object) || object instanceof Set || isTypedArray(object)) {
      return this.addArray(name, Array.from(object), path, depth)
    }
    const primitive = unbox(object)
    if (primitive !== undefined) return this.addValue(name, primitive, path, depth, ancestors)
    if (depth >= this.maxDepth) return this.warn(path, 'dropped', `nested deeper than ${this.maxDepth} levels`)
    if (ancestors.includes(object)) return this.warn(path, 'dropped', 'circular reference')
    if (object instanceof Map) return this.walkObject(this.mapToObject(object, path), name, path, depth, ancestors)
    this.walkObject(object, name, path, depth, ancestors)
  }

  private addString(name: string, value: string, path: string, depth: number): void {
    if (this.dateKeys.has(name)) {
      const date = parseIsoDate(value)
      if (date === undefined)
        return this.warn(path, 'dropped', `"${name}" is a date attribute and this is no ISO-8601 date`)
      return this.emit(name, dateToTimestamp(date, this.dateUnit) as number, path, depth)
    }
    let text = value
    if (!isWellFormed(text)) {
      text = toWellFormed(text)
      this.warn(path, 'changed', 'unpaired UTF-16 surrogates replaced with U+FFFD')
    }
    if (text.length > this.maxStringLength) {
      text = cutString(text, this.maxStringLength)
      this.warn(path, 'changed', `string cut to ${this.maxStringLength} characters`)
    }
    this.emit(name, text, path, depth)
  }

  /** Arrays never add attributes: primitives join with ',', anything holding objects becomes one JSON string. */
  private addArray(name: string, items: unknown[], path: string, depth: number): void {
    const holdsObjects = items.some((item) => typeof item === 'object' && item !== null && !(item instanceof Date))
    if (holdsObjects) {
      const json = JSON.stringify(toJsonSafe(items, this.dateUnit, this.maxDepth - depth, []))
      this.warn(path, 'changed', 'array holding objects sent as one JSON string')
      return this.addString(name, json, path, depth)
    }
    const parts: string[] = []
    for (let i = 0; i < items.length; i++) {
      const item = items[i]
      const part = item instanceof Date ? dateToTimestamp(item, this.dateUnit) : primitiveToString(item)
      if (part === undefined) this.warn(`${path}[${i}]`, 'dropped', `array item ${describeValue(item)} skipped`)
      else parts.push(String(part))
    }
    this.addString(name, parts.join(','), path, depth)
  }

  /** Map entries with primitive keys, as a null-prototype object; entries with other keys are reported. */
  mapToObject(map: Map<unknown, unknown>, path: string): Record<string, unknown> {
    return mapToObject(map, (key) =>
      this.warn(path, 'dropped', `a Map entry whose key is ${describeValue(key)} (only text or number keys)`)
    )
  }

  /**
   * Stores one attribute. Collisions (`{ a_b: 1, a: { b: 2 } }` both name `a_b`): the value from the
   * shallower key path wins, because that key is the one the sender wrote; at equal depth the first one in
   * key order wins. The loser is reported.
   */
  private emit(name: string, value: DriftValue, path: string, depth: number): void {
    if (UNSAFE_KEYS.has(name))
      return this.warn(path, 'dropped', `"${name}" is never an attribute name (prototype safety)`)
    const existing = this.depths[name]
    if (existing !== undefined) {
      if (depth < existing) {
        this.attributes[name] = value
        this.depths[name] = depth
        return this.warn(
          path,
          'changed',
          `replaced "${name}" that came from a deeper key path (the shallower path wins)`
        )
      }
      return this.warn(path, 'dropped', `"${name}" already came from a key path as shallow or shallower`)
    }
    if (this.count >= this.maxAttributes) {
      return this.warn(path, 'dropped', `more than ${this.maxAttributes} attributes`)
    }
    this.attributes[name] = value
    this.depths[name] = depth
    this.count++
  }
}

/** A JSON-safe copy for arrays of objects: dates converted, unsafe keys and cycles removed, depth bounded. */
function toJsonSafe(value: unknown, unit: DateUnit, depthLeft: number, ancestors: object[]): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return value.toString()
    if (typeof value === 'number' && !Number.isFinite(value)) return null
    if (typeof value === 'function' || typeof value === 'symbol') return undefined
    return value
  }
  if (value instanceof Date) return dateToTimestamp(value, unit) ?? null
  const primitive = unbox(value)
  if (primitive !== undefined) return primitive
  if (depthLeft <= 0 || ancestors.includes(value)) return null
  ancestors.push(value)
  let copy: unknown
  if (Array.isArray(value) || value instanceof Set) {
    copy = Array.from(value, (item) => toJsonSafe(item, unit, depthLeft - 1, ancestors) ?? null)
  } else {
    const source = value instanceof Map ? mapToObject(value) : (value as Record<string, unknown>)
    const out: Record<string, unknown> = {}
    for (const key of safeKeys(source)) {
      if (UNSAFE_KEYS.has(key)) continue
      let item: unknown
      try {
        item = source[key]
      } catch {
        continue
      }
      const safe = toJsonSafe(item, unit, depthLeft - 1, ancestors)
      if (safe !== undefined) out[key] = safe
    }
    copy = out
  }
  ancestors.pop()
  return copy
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
    if (name !== undefined) out[name] = value
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

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

function isWellFormed(text: string): boolean {
  const native = (text as { isWellFormed?: () => boolean }).isWellFormed
  if (native) return native.call(text)
  LONE_SURROGATE.lastIndex = 0
  return !LONE_SURROGATE.test(text)
}

function toWellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD')
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
