import fc from 'fast-check'
import { guardUserId, isWellFormed, toDriftAttributes, toDriftContactAttributes } from '..'
import { toWellFormed } from '../text'

const RUNS = 150

// ---- Arbitrary nested values: odd keys, every kind of leaf, deep nesting, huge arrays, cycles ----

const oddKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  '',
  'a',
  'b',
  'a_b',
  '_',
  'proto__',
  'start_date',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '0',
  'length',
  'A'
)
const key = fc.oneof({ arbitrary: oddKey, weight: 3 }, { arbitrary: fc.string({ maxLength: 6 }), weight: 2 })

/** Any UTF-16 code unit, lone surrogates included. */
const anyText = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  maxLength: 8
})

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 8 }),
  anyText,
  fc.integer(),
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0),
  fc.boolean(),
  fc.constantFrom(null, undefined),
  fc.bigInt(),
  fc.date(),
  fc.constant(new Date(NaN)),
  fc.date({ noInvalidDate: true, min: new Date(-1e14), max: new Date(1e14) }).map((d) => d.toISOString()),
  fc.constantFrom('2024-02-30', '2024-02-29', '2024-05-01T10:00:00+02:00'),
  fc.string({ maxLength: 4 }).map((s) => Symbol(s)),
  fc.constant(() => 'function'),
  fc.string({ maxLength: 4 }).map((s) => new String(s)),
  fc.constant(new URL('https://example.com/?utm_source=x')),
  fc.constant(
    new Map<unknown, unknown>([
      ['k', 1],
      [{}, 2]
    ])
  ),
  fc.constant(new Set([1, 'a']))
)

/** Own enumerable data properties, `__proto__` included, the way JSON.parse creates them. */
function objectFrom(entries: [string, unknown][]): Record<string, unknown> {
  const object: Record<string, unknown> = {}
  for (const [k, v] of entries)
    Object.defineProperty(object, k, { value: v, enumerable: true, writable: true, configurable: true })
  return object
}

function nest(levels: number, value: unknown): unknown {
  return levels === 0 ? value : { deep: nest(levels - 1, value) }
}

const { tree } = fc.letrec<{ tree: unknown; object: Record<string, unknown>; array: unknown[] }>((tie) => ({
  tree: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'tree' },
    { arbitrary: leaf, weight: 4 },
    { arbitrary: tie('object'), weight: 2 },
    { arbitrary: tie('array'), weight: 1 },
    { arbitrary: fc.tuple(fc.integer({ min: 8, max: 14 }), leaf).map(([n, v]) => nest(n, v)), weight: 1 },
    {
      // Huge arrays of primitives or of objects.
      arbitrary: fc
        .tuple(fc.integer({ min: 1000, max: 20_000 }), fc.oneof(leaf, fc.constant({ sku: 'x' })))
        .map(([n, v]) => new Array(n).fill(v)),
      weight: 1
    }
  ),
  object: fc.array(fc.tuple(key, tie('tree')), { maxLength: 5 }).map(objectFrom),
  array: fc.array(tie('tree'), { maxLength: 5 })
}))

/** Every object and array reachable from `root` (before cycles are added). */
function containers(root: unknown, found: object[] = []): object[] {
  if (typeof root !== 'object' || root === null || found.includes(root)) return found
  if (Array.isArray(root) ? root.length > 50 : Object.getPrototypeOf(root) !== Object.prototype) return found
  found.push(root)
  for (const value of Object.values(root)) containers(value, found)
  return found
}

/** A traits-like object, sometimes with cycles and shared references wired in. */
const input = fc
  .tuple(fc.array(fc.tuple(key, tree), { maxLength: 8 }).map(objectFrom), fc.array(fc.nat(), { maxLength: 3 }))
  .map(([root, links]) => {
    const all = containers(root)
    links.forEach((n, i) => {
      const from = all[n % all.length] as Record<string, unknown>
      const to = all[(n * 7 + i) % all.length]
      if (Array.isArray(from)) from.push(to)
      else from[`loop${i}`] = to
    })
    return root
  })

/** The number of distinct key paths that end in a non-object value: an upper bound for the attributes. */
function leafKeyPaths(value: unknown, prefix: string, ancestors: object[], paths: Set<string>): Set<string> {
  const walkable =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    (Object.getPrototypeOf(value) === Object.prototype || value instanceof Map)
  if (!walkable) {
    paths.add(prefix)
    return paths
  }
  if (ancestors.includes(value) || ancestors.length > 11) return paths
  const entries = value instanceof Map ? [...value.entries()].map(([k, v]) => [String(k), v]) : Object.entries(value)
  for (const [k, v] of entries) leafKeyPaths(v, `${prefix}\u0000${k}`, [...ancestors, value], paths)
  return paths
}

/** The same value with every array made 3 times longer (same items repeated). */
function lengthen(value: unknown, seen = new Map<object, unknown>()): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (seen.has(value)) return seen.get(value)
  if (Array.isArray(value)) {
    const copy: unknown[] = []
    seen.set(value, copy)
    const items = value.length > 50 ? value : value.map((item) => lengthen(item, seen))
    for (let i = 0; i < 3 && copy.length < 30_000; i++) copy.push(...items)
    return copy
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value
  const copy: Record<string, unknown> = {}
  seen.set(value, copy)
  for (const [k, v] of Object.entries(value)) {
    Object.defineProperty(copy, k, { value: lengthen(v, seen), enumerable: true, writable: true, configurable: true })
  }
  return copy
}

const UNSAFE_KEYS = ['__proto__', 'constructor', 'prototype']

/** A deep copy of the plain objects and arrays in `value` without their unsafe keys (cycles and sharing kept). */
function withoutUnsafeKeys(value: unknown, copies = new Map<object, unknown>()): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (copies.has(value)) return copies.get(value)
  if (Array.isArray(value)) {
    const copy: unknown[] = []
    copies.set(value, copy)
    for (const item of value) copy.push(withoutUnsafeKeys(item, copies))
    return copy
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value
  const copy: Record<string, unknown> = {}
  copies.set(value, copy)
  for (const [k, v] of Object.entries(value)) if (!UNSAFE_KEYS.includes(k)) copy[k] = withoutUnsafeKeys(v, copies)
  return copy
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const prototypeNames = () => Object.getOwnPropertyNames(Object.prototype).sort()

/** What one input holds, to check that the generator really produces the hostile cases. */
function features(root: unknown): Set<string> {
  const found = new Set<string>()
  const visit = (value: unknown, ancestors: unknown[]) => {
    if (typeof value === 'bigint') found.add('bigint')
    if (typeof value === 'symbol') found.add('symbol')
    if (value instanceof Date) found.add(Number.isNaN(value.getTime()) ? 'invalid date' : 'date')
    if (typeof value !== 'object' || value === null || value instanceof Date) return
    if (ancestors.includes(value)) return found.add('cycle')
    if (ancestors.length > 10) found.add('deeper than 10')
    if (Array.isArray(value) && value.length >= 1000) return found.add('huge array')
    for (const k of Object.keys(value)) {
      if (k === '__proto__') found.add('own __proto__ key')
      if (k === 'constructor') found.add('constructor key')
      visit((value as Record<string, unknown>)[k], [...ancestors, value])
    }
  }
  visit(root, [])
  return found
}

describe('the generator', () => {
  it('should produce every hostile case the properties are about', () => {
    const seen = new Set<string>()
    for (const value of fc.sample(input, { numRuns: 400, seed: 7 })) features(value).forEach((f) => seen.add(f))
    expect([...seen].sort()).toEqual(
      [
        'bigint',
        'constructor key',
        'cycle',
        'date',
        'deeper than 10',
        'huge array',
        'invalid date',
        'own __proto__ key',
        'symbol'
      ].sort()
    )
  })
})

describe('toDriftAttributes (property-based)', () => {
  it('should never throw, and give only strings, finite numbers and booleans', () => {
    const before = prototypeNames()
    fc.assert(
      fc.property(
        input,
        fc.constantFrom('_', '.', '', '__'),
        fc.constantFrom('seconds', 'milliseconds'),
        (value, separator, unit) => {
          const result = toDriftAttributes(value, { separator, dateUnit: unit as 'seconds' | 'milliseconds' })
          expect(Object.getPrototypeOf(result.attributes)).toBe(Object.prototype)
          for (const [name, v] of Object.entries(result.attributes)) {
            expect(['__proto__', 'constructor', 'prototype']).not.toContain(name)
            if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true)
            else expect(['string', 'boolean']).toContain(typeof v)
            if (typeof v === 'string') expect(v).not.toMatch(LONE_SURROGATE)
          }
          expect(result.warnings.length).toBeLessThanOrEqual(101)
          for (const w of result.warnings) {
            expect(typeof w.path).toBe('string')
            expect(['dropped', 'changed']).toContain(w.action)
            expect(w.reason.length).toBeGreaterThan(0)
          }
        }
      ),
      { numRuns: RUNS }
    )
    expect(prototypeNames()).toEqual(before)
    expect(({} as Record<string, unknown>).deep).toBeUndefined()
  })

  it('should give the same attributes as for the input with __proto__, constructor and prototype keys taken out', () => {
    let unsafeKeys = 0
    fc.assert(
      fc.property(input, (value) => {
        const result = toDriftAttributes(value)
        const readToTheEnd = !result.warnings.some((w) => w.reason.endsWith('the rest of the input was not read'))
        if (readToTheEnd) expect(result.attributes).toEqual(toDriftAttributes(withoutUnsafeKeys(value)).attributes)
        // An unsafe key at the top level is always reported where it was (when the warnings were not cut short).
        const listed = !result.warnings.some((w) => w.reason.endsWith('more warnings not listed'))
        for (const key of Object.keys(value as object).filter((k) => UNSAFE_KEYS.includes(k))) {
          unsafeKeys++
          if (listed) {
            expect(result.warnings).toContainEqual({
              path: key,
              action: 'dropped',
              reason: `the key "${key}" is never copied (prototype safety)`
            })
          }
        }
      }),
      { numRuns: RUNS }
    )
    expect(unsafeKeys).toBeGreaterThan(10)
  })

  it('should give the same output for the same input', () => {
    fc.assert(
      fc.property(input, (value) => {
        expect(toDriftAttributes(value)).toEqual(toDriftAttributes(value))
      }),
      { numRuns: RUNS }
    )
  })

  it('should give at most one attribute per distinct leaf key path', () => {
    fc.assert(
      fc.property(input, (value) => {
        const count = Object.keys(toDriftAttributes(value).attributes).length
        expect(count).toBeLessThanOrEqual(leafKeyPaths(value, '', [], new Set()).size)
      }),
      { numRuns: RUNS }
    )
  })

  it('should not grow the number of attributes when arrays grow', () => {
    fc.assert(
      fc.property(input, (value) => {
        const short = Object.keys(toDriftAttributes(value).attributes)
        const long = Object.keys(toDriftAttributes(lengthen(value)).attributes)
        expect(long.length).toBeLessThanOrEqual(short.length)
        for (const name of long) expect(short).toContain(name)
      }),
      { numRuns: 60 }
    )
  })
})

/** Keys whose joined names collide (`a_b` is a key and the path a.b; `a\uD800` is sent as `a\uFFFD`). */
const collidingKey = fc.constantFrom('a', 'b', 'a_b', 'b_a', 'a_b_a', '_', 'a\uD800', 'a\uFFFD')
const { nested } = fc.letrec<{ nested: Record<string, unknown> }>((tie) => ({
  nested: fc.dictionary(collidingKey, fc.oneof({ depthSize: 'small' }, fc.integer(), tie('nested')), { maxKeys: 4 })
}))

/** The collision rule written plainly: of the key paths to one name the shallowest wins, then the first. */
function referenceAttributes(value: Record<string, unknown>): [string, unknown][] {
  const best = new Map<string, { depth: number; value: unknown }>()
  const walk = (object: Record<string, unknown>, prefix: string, depth: number) => {
    for (const key of Object.keys(object)) {
      const name = prefix + toWellFormed(key)
      const child = object[key]
      if (typeof child === 'object') walk(child as Record<string, unknown>, name + '_', depth + 1)
      else if (!best.has(name) || depth < (best.get(name)?.depth ?? 0)) best.set(name, { depth, value: child })
    }
  }
  walk(value, '', 0)
  return [...best].map(([name, { value }]) => [name, value])
}

describe('toDriftAttributes collisions (property-based)', () => {
  it('should resolve colliding names as the plain rule does, whether the names are cached or not', () => {
    let lists = 0
    fc.assert(
      fc.property(nested, (value) => {
        // A new blocklist empties the name cache: the first call builds every name, the second finds them.
        const options = { blockedAttributes: [`never_${lists++}`] }
        const expected = referenceAttributes(value)
        expect(Object.entries(toDriftAttributes(value, options).attributes)).toEqual(expected)
        expect(Object.entries(toDriftAttributes(value, options).attributes)).toEqual(expected)
      }),
      { numRuns: 300 }
    )
  })

  it('should see collisions of names never cached (over 200 characters), every time', () => {
    const long = 'x'.repeat(201)
    for (let i = 0; i < 2; i++) {
      const result = toDriftAttributes({ [long]: { y: 1 }, [`${long}_y`]: 2 })
      expect(result.attributes).toEqual({ [`${long}_y`]: 2 })
      expect(result.warnings.map((w) => w.action)).toEqual(['changed'])
    }
  })

  it('should see a collision with a name stored before it was cached (a name from a surrogate key)', () => {
    for (let i = 0; i < 2; i++) {
      const result = toDriftAttributes({ 'a\uD800': 1, 'a\uFFFD': 2 }, { blockedAttributes: ['never_x'] })
      expect(result.attributes).toEqual({ 'a\uFFFD': 1 })
      expect(result.warnings.map((w) => w.reason)).toContain(
        '"a\uFFFD" already came from a key path as shallow or shallower'
      )
    }
  })
})

/** Segment's spec traits and the Drift names some of them become, at the top level beside arbitrary keys. */
const specTraitKey = fc.constantFrom(
  'email',
  'name',
  'firstName',
  'first_name',
  'lastName',
  'last_name',
  'phone',
  'title',
  'createdAt',
  'start_date',
  'id',
  'externalId'
)
const traitsInput = fc
  .tuple(
    input,
    fc.array(fc.tuple(specTraitKey, fc.oneof({ arbitrary: fc.string({ maxLength: 8 }), weight: 3 }, leaf, tree)), {
      minLength: 1,
      maxLength: 10
    })
  )
  .map(([root, entries]) => {
    for (const [k, v] of entries) {
      Object.defineProperty(root, k, { value: v, enumerable: true, writable: true, configurable: true })
    }
    return root as Record<string, unknown>
  })

/** Spec traits Drift knows under another name. */
const RENAMED = [
  ['firstName', 'first_name'],
  ['lastName', 'last_name'],
  ['createdAt', 'start_date']
]
const given = (object: Record<string, unknown>, key: string) =>
  Object.prototype.hasOwnProperty.call(object, key) && object[key] !== undefined && object[key] !== null

describe('toDriftContactAttributes and guardUserId (property-based)', () => {
  it('should never throw and send string-typed defaults as strings', () => {
    fc.assert(
      fc.property(traitsInput, fc.oneof(leaf, tree), (traits, campaignSource) => {
        const { attributes } = toDriftContactAttributes(traits, { campaignSource })
        for (const name of [
          'email',
          'name',
          'first_name',
          'last_name',
          'phone',
          'title',
          'recent_source',
          'externalId'
        ]) {
          if (name in attributes) expect(typeof attributes[name]).toBe('string')
        }
        for (const v of Object.values(attributes)) expect(['string', 'number', 'boolean']).toContain(typeof v)
      }),
      { numRuns: RUNS }
    )
  })

  it('should never send id or externalId, and send renamed spec traits only under their Drift names', () => {
    const seen = { id: 0, externalId: 0, moved: 0, driftNameWins: 0 }
    fc.assert(
      fc.property(traitsInput, (traits) => {
        const { attributes, warnings } = toDriftContactAttributes(traits)
        const names = Object.keys(attributes)
        for (const key of ['id', 'externalId'] as const) {
          if (Object.prototype.hasOwnProperty.call(traits, key)) seen[key]++
          expect(names).not.toContain(key)
        }
        // Nothing was cut by the limits, so every top-level value that maps to a string is there.
        const complete =
          names.length < 1000 && !warnings.some((w) => w.reason.endsWith('the rest of the input was not read'))
        for (const [segment, drift] of RENAMED) {
          expect(names).not.toContain(segment)
          if (!complete || !Object.prototype.hasOwnProperty.call(traits, segment)) continue
          const driftGiven = given(traits, drift)
          const value = driftGiven ? traits[drift] : traits[segment]
          if (drift === 'start_date' || typeof value !== 'string' || !isWellFormed(value)) continue
          // The Drift name wins when both are given; otherwise the spec trait moves to it.
          expect(attributes[drift]).toBe(value)
          seen[driftGiven ? 'driftNameWins' : 'moved']++
        }
      }),
      { numRuns: RUNS }
    )
    for (const count of Object.values(seen)) expect(count).toBeGreaterThan(5)
  })

  it('should only ever accept trimmed, well-formed, non-placeholder ids, as strings', () => {
    let accepted = 0
    fc.assert(
      fc.property(fc.oneof(anyText, fc.string(), leaf, fc.constantFrom(' x', 'NaN', 'Undefined', 0, -0)), (value) => {
        const check = guardUserId(value)
        if (!check.ok) return expect(check.reason).toMatch(/^userId /)
        accepted++
        expect(typeof check.id).toBe('string')
        expect(check.id.trim()).toBe(check.id)
        expect(check.id).not.toMatch(/^\s|\s$/)
        expect(isWellFormed(check.id)).toBe(true)
        expect(check.id).not.toBe('')
        expect(['undefined', 'null', 'nan', '[object object]', 'anonymous', '0']).not.toContain(check.id.toLowerCase())
      }),
      { numRuns: 500 }
    )
    // A guard that refused everything would pass the checks above: most generated ids are fine.
    expect(accepted).toBeGreaterThan(100)
  })
})
