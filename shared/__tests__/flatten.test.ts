import { FLATTEN_DEFAULTS, toDriftAttributes, type MappingWarning } from '..'

const attrs = (input: unknown, options = {}) => toDriftAttributes(input, options).attributes
const warningsOf = (input: unknown, options = {}) => toDriftAttributes(input, options).warnings
const paths = (warnings: MappingWarning[]) => warnings.map((w) => w.path)

describe('toDriftAttributes: nested objects', () => {
  it('should join nested keys with "_" by default', () => {
    expect(attrs({ address: { city: 'Oslo', geo: { lat: 59.9 } } })).toEqual({
      address_city: 'Oslo',
      address_geo_lat: 59.9
    })
  })

  it('should use the separator option', () => {
    expect(attrs({ address: { city: 'Oslo' } }, { separator: '.' })).toEqual({ 'address.city': 'Oslo' })
    expect(attrs({ a: { b: { c: 1 } } }, { separator: '__' })).toEqual({ a__b__c: 1 })
  })

  it('should keep primitives, booleans and numbers as they are', () => {
    expect(attrs({ s: 'x', n: -1.5, z: 0, t: true, f: false, e: '' })).toEqual({
      s: 'x',
      n: -1.5,
      z: 0,
      t: true,
      f: false,
      e: ''
    })
  })

  it('should keep the case of keys', () => {
    expect(attrs({ firstName: 'a', FirstName: 'b', FIRSTNAME: 'c' })).toEqual({
      firstName: 'a',
      FirstName: 'b',
      FIRSTNAME: 'c'
    })
  })

  it('should drop empty nested objects and empty keys, and say so', () => {
    const result = toDriftAttributes({ a: {}, '': 1, b: 2 })
    expect(result.attributes).toEqual({ b: 2 })
    expect(result.warnings).toEqual([
      { path: 'a', action: 'dropped', reason: 'empty object' },
      { path: '', action: 'dropped', reason: 'empty key' }
    ])
  })

  it('should return nothing for null or undefined input, and warn for non-objects', () => {
    expect(toDriftAttributes(undefined)).toEqual({ attributes: {}, warnings: [] })
    expect(toDriftAttributes(null)).toEqual({ attributes: {}, warnings: [] })
    for (const input of ['text', 5, [1, 2], new Date(0), new Set([1]), () => 1]) {
      const result = toDriftAttributes(input)
      expect(result.attributes).toEqual({})
      expect(result.warnings).toHaveLength(1)
      expect(result.warnings[0]).toMatchObject({ path: '', action: 'dropped' })
      expect(result.warnings[0].reason).toMatch(/^expected an object of traits or properties, got /)
    }
  })

  it('should walk the own enumerable keys of class instances', () => {
    class Plan {
      name = 'Growth'
      get hidden() {
        return 'not own'
      }
    }
    expect(attrs({ plan: new Plan() })).toEqual({ plan_name: 'Growth' })
  })
})

describe('toDriftAttributes: arrays', () => {
  it('should join arrays of primitives with ","', () => {
    expect(attrs({ tags: ['a', 'b', 3, true, 10n] })).toEqual({ tags: 'a,b,3,true,10' })
  })

  it('should turn an empty array into an empty string', () => {
    expect(attrs({ tags: [] })).toEqual({ tags: '' })
  })

  it('should skip null, undefined, NaN and functions inside arrays, with a warning per item', () => {
    const result = toDriftAttributes({ tags: ['a', null, undefined, NaN, () => 1, 'b'] })
    expect(result.attributes).toEqual({ tags: 'a,b' })
    expect(paths(result.warnings)).toEqual(['tags[1]', 'tags[2]', 'tags[3]', 'tags[4]'])
    expect(result.warnings[2].reason).toBe('array item NaN skipped')
  })

  it('should turn Dates inside an array of primitives into timestamps', () => {
    expect(attrs({ at: [new Date('2024-01-01T00:00:00Z'), new Date(1000)] })).toEqual({ at: '1704067200000,1000' })
  })

  it('should send an array holding objects as one JSON string, with dates converted and unsafe keys removed', () => {
    const input = JSON.parse('{"items":[{"sku":"A","__proto__":{"x":1},"n":1},{"sku":"B","nested":{"deep":[1,2]}},3]}')
    input.items[0].at = new Date('2024-01-01T00:00:00Z')
    input.items[0].big = 5n
    input.items[0].nan = NaN
    input.items[0].gone = undefined
    input.items[0].fn = () => 1
    input.items[1].tags = new Set(['a'])
    const result = toDriftAttributes(input)
    // JSON.stringify's rules (NaN as null, undefined left out), plus Dates as timestamps and BigInts as text.
    expect(result.attributes).toEqual({
      items: '[{"sku":"A","n":1,"at":1704067200000,"big":"5","nan":null},{"sku":"B","nested":{"deep":[1,2]}},3]'
    })
    // What JSON.stringify would leave out silently, or write as {} (a Set), is reported.
    expect(result.warnings).toEqual([
      { path: 'items', action: 'dropped', reason: 'the key "__proto__" is never copied (prototype safety)' },
      { path: 'items', action: 'dropped', reason: 'function is not JSON data' },
      { path: 'items', action: 'dropped', reason: 'Set is not JSON data' },
      { path: 'items', action: 'changed', reason: 'array holding objects sent as one JSON string' }
    ])
  })

  it('should send nested arrays as JSON', () => {
    expect(attrs({ grid: [[1, 2], [3]] })).toEqual({ grid: '[[1,2],[3]]' })
  })

  it('should never grow the number of attributes with the length of an array', () => {
    const short = attrs({ tags: ['a'], items: [{ a: 1 }], grid: [[1]] })
    const long = attrs({
      tags: Array.from({ length: 10_000 }, (_, i) => `t${i}`),
      items: Array.from({ length: 5_000 }, (_, i) => ({ a: i })),
      grid: Array.from({ length: 1000 }, (_, i) => [i])
    })
    expect(Object.keys(long)).toEqual(Object.keys(short))
    expect(Object.keys(long)).toEqual(['tags', 'items', 'grid'])
  })
})

describe('toDriftAttributes: dates', () => {
  const at = new Date('2024-05-01T12:34:56.789Z')

  it("should send Dates as epoch milliseconds by default (Drift's unit)", () => {
    expect(FLATTEN_DEFAULTS.dateUnit).toBe('milliseconds')
    expect(attrs({ at })).toEqual({ at: 1714566896789 })
  })

  it('should send Dates as Unix seconds when asked', () => {
    expect(attrs({ at }, { dateUnit: 'seconds' })).toEqual({ at: 1714566896 })
  })

  it('should round seconds down, also before 1970', () => {
    expect(attrs({ a: new Date(-1500) }, { dateUnit: 'seconds' })).toEqual({ a: -2 })
  })

  it('should keep ISO-8601 strings as strings under ordinary keys', () => {
    expect(attrs({ lastSeen: '2024-05-01T12:00:00Z', day: '2024-05-01' })).toEqual({
      lastSeen: '2024-05-01T12:00:00Z',
      day: '2024-05-01'
    })
  })

  it('should turn ISO-8601 strings into timestamps under date keys such as start_date', () => {
    expect(attrs({ start_date: '2024-05-01' })).toEqual({ start_date: 1714521600000 })
    expect(attrs({ start_date: '2024-05-01T12:00:00+02:00' }, { dateUnit: 'milliseconds' })).toEqual({
      start_date: Date.UTC(2024, 4, 1, 10)
    })
    // A date-time without an offset is read as UTC.
    expect(attrs({ start_date: '2024-05-01T12:00' })).toEqual({ start_date: 1714564800000 })
  })

  it('should use the dateKeys option instead of the default table when given', () => {
    expect(attrs({ start_date: '2024-05-01', renewal: '2024-05-01' }, { dateKeys: new Set(['renewal']) })).toEqual({
      start_date: '2024-05-01',
      renewal: 1714521600000
    })
  })

  it('should drop invalid dates: invalid Date objects and impossible calendar days under date keys', () => {
    const result = toDriftAttributes({
      bad: new Date('nope'),
      start_date: '2024-02-30',
      ok: 1
    })
    expect(result.attributes).toEqual({ ok: 1 })
    expect(result.warnings).toEqual([
      { path: 'bad', action: 'dropped', reason: 'invalid Date' },
      { path: 'start_date', action: 'dropped', reason: '"start_date" is a date attribute and this is no ISO-8601 date' }
    ])
  })

  it('should drop non-ISO strings under date keys', () => {
    for (const text of ['yesterday', '2024-13-01', '2023-02-29', '2024-01-01T25:00Z', '01/02/2024']) {
      expect(attrs({ start_date: text })).toEqual({})
    }
    expect(attrs({ start_date: '2024-02-29' })).toEqual({ start_date: 1709164800000 })
  })

  it('should skip invalid Dates inside arrays', () => {
    const result = toDriftAttributes({ at: [new Date('nope'), new Date(0)] })
    expect(result.attributes).toEqual({ at: '0' })
    expect(result.warnings).toEqual([{ path: 'at[0]', action: 'dropped', reason: 'array item Invalid Date skipped' }])
  })
})

describe('toDriftAttributes: values that are not data', () => {
  it('should drop null, undefined, functions, symbols, NaN and infinities with a warning each', () => {
    const result = toDriftAttributes({
      a: null,
      b: undefined,
      c: () => 1,
      d: Symbol('s'),
      e: NaN,
      f: Infinity,
      g: -Infinity,
      keep: 1
    })
    expect(result.attributes).toEqual({ keep: 1 })
    expect(result.warnings).toEqual([
      { path: 'a', action: 'dropped', reason: 'null' },
      { path: 'b', action: 'dropped', reason: 'undefined' },
      { path: 'c', action: 'dropped', reason: 'function is not JSON data' },
      { path: 'd', action: 'dropped', reason: 'symbol is not JSON data' },
      { path: 'e', action: 'dropped', reason: 'NaN is not a finite number' },
      { path: 'f', action: 'dropped', reason: 'Infinity is not a finite number' },
      { path: 'g', action: 'dropped', reason: '-Infinity is not a finite number' }
    ])
  })

  it('should send BigInt as a string, and say so', () => {
    const result = toDriftAttributes({ id: 12345678901234567890n })
    expect(result.attributes).toEqual({ id: '12345678901234567890' })
    expect(result.warnings).toEqual([{ path: 'id', action: 'changed', reason: 'BigInt sent as a string' }])
  })

  it('should ignore symbol keys', () => {
    expect(attrs({ [Symbol('k')]: 1, a: 2 })).toEqual({ a: 2 })
  })

  it('should drop what a Segment event cannot carry (Map, Set, typed arrays, URL, boxed primitives), naming the type', () => {
    const result = toDriftAttributes({
      map: new Map([['city', 'Oslo']]),
      set: new Set(['x']),
      bytes: new Uint8Array([1, 2]),
      url: new URL('https://example.com/a?b=1'),
      query: new URLSearchParams({ utm_source: 'news' }),
      boxed: new String('x'),
      number: new Number(2),
      error: new Error('e'),
      keep: 1
    })
    expect(result.attributes).toEqual({ keep: 1 })
    const types = ['Map', 'Set', 'Uint8Array', 'URL', 'URLSearchParams', 'String', 'Number', 'Error']
    const paths = ['map', 'set', 'bytes', 'url', 'query', 'boxed', 'number', 'error']
    expect(result.warnings).toEqual(
      paths.map((path, i) => ({ path, action: 'dropped', reason: `${types[i]} is not JSON data` }))
    )
  })

  it('should take a Date from another realm as a Date, by its tag', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runInNewContext } = require('node:vm') as typeof import('node:vm')
    const foreign = runInNewContext('new Date(Date.UTC(2024, 0, 1))') as Date
    expect(foreign instanceof Date).toBe(false)
    expect(attrs({ at: foreign })).toEqual({ at: 1704067200000 })
  })

  it('should drop a value whose getter throws and keep the rest', () => {
    const input = {
      a: 1,
      get broken(): number {
        throw new Error('boom')
      },
      b: 2
    }
    const result = toDriftAttributes(input)
    expect(result.attributes).toEqual({ a: 1, b: 2 })
    expect(result.warnings).toEqual([{ path: 'broken', action: 'dropped', reason: 'reading the value threw' }])
  })

  it('should keep the walk under way when a getter of the input calls back in (the inner call gets nothing)', () => {
    let inner: unknown
    const input = {
      a: 1,
      get b(): number {
        inner = toDriftAttributes({ x: 1 })
        return 2
      },
      c: { d: 3 }
    }
    expect(toDriftAttributes(input)).toEqual({ attributes: { a: 1, b: 2, c_d: 3 }, warnings: [] })
    expect(inner).toEqual({
      attributes: {},
      warnings: [{ path: '', action: 'dropped', reason: 'reading the value threw' }]
    })
    expect(attrs({ x: 1 })).toEqual({ x: 1 })
  })

  it('should survive Proxies whose traps throw and revoked Proxies', () => {
    const hostile = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error('trap')
        },
        ownKeys() {
          throw new Error('trap')
        }
      }
    )
    const revocable = Proxy.revocable({}, {})
    revocable.revoke()
    const result = toDriftAttributes({ a: hostile, b: revocable.proxy, c: [hostile], ok: true })
    expect(result.attributes).toEqual({ ok: true })
    expect(paths(result.warnings)).toEqual(['a', 'b', 'c'])
    expect(toDriftAttributes(revocable.proxy).warnings).toEqual([
      { path: '', action: 'dropped', reason: 'reading the value threw' }
    ])
  })
})

describe('toDriftAttributes: prototype safety', () => {
  it('should drop __proto__, constructor and prototype at every depth', () => {
    const input = JSON.parse(
      '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"a":{"__proto__":{"x":1},"prototype":2,"ok":3}}'
    )
    const result = toDriftAttributes(input)
    expect(result.attributes).toEqual({ a_ok: 3 })
    expect(Object.getPrototypeOf(result.attributes)).toBe(Object.prototype)
    expect(paths(result.warnings)).toEqual(['__proto__', 'constructor', 'a.__proto__', 'a.prototype'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('should drop joined names that would spell __proto__ or constructor', () => {
    const result = toDriftAttributes(
      { __: { proto__: 1 }, con: { structor: 2 }, proto: { type: 3 } },
      { separator: '' }
    )
    expect(result.attributes).toEqual({})
    expect(paths(result.warnings)).toEqual(['__.proto__', 'con.structor', 'proto.type'])
    const underscore = toDriftAttributes({ _: { proto__: 1 } })
    expect(underscore.attributes).toEqual({})
    expect(underscore.warnings).toEqual([
      { path: '_.proto__', action: 'dropped', reason: '"__proto__" is never an attribute name (prototype safety)' }
    ])
    expect(Object.getPrototypeOf(underscore.attributes)).toBe(Object.prototype)
  })

  it('should leave out __proto__ keys inside objects and arrays of objects, and say so', () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort()
    const json = toDriftAttributes(
      JSON.parse('{"m":{"__proto__":{"isAdmin":true}},"l":[{"__proto__":{"isAdmin":true},"ok":1}]}')
    )
    expect(json).toEqual({
      attributes: { l: '[{"ok":1}]' },
      warnings: [
        { path: 'm.__proto__', action: 'dropped', reason: 'the key "__proto__" is never copied (prototype safety)' },
        { path: 'l', action: 'dropped', reason: 'the key "__proto__" is never copied (prototype safety)' },
        { path: 'l', action: 'changed', reason: 'array holding objects sent as one JSON string' }
      ]
    })
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before)
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined()
  })
})

describe('toDriftAttributes: cycles and depth', () => {
  it('should stop at a cycle without throwing', () => {
    const a: Record<string, unknown> = { name: 'a' }
    a.self = a
    a.child = { parent: a, x: 1 }
    const result = toDriftAttributes(a)
    expect(result.attributes).toEqual({ name: 'a', child_x: 1 })
    expect(result.warnings).toEqual([
      { path: 'self', action: 'dropped', reason: 'circular reference' },
      { path: 'child.parent', action: 'dropped', reason: 'circular reference' }
    ])
  })

  it('should cut cycles inside arrays of objects', () => {
    const a: Record<string, unknown> = { x: 1 }
    a.list = [a]
    expect(attrs(a)).toEqual({ x: 1, list: '[null]' })
    const b: Record<string, unknown> = { y: 2 }
    b.items = [{ back: b, z: 3 }]
    expect(attrs(b)).toEqual({ y: 2, items: '[{"back":null,"z":3}]' })
  })

  it('should keep a shared (non-circular) object every time it appears', () => {
    const shared = { v: 1 }
    expect(attrs({ a: shared, b: shared })).toEqual({ a_v: 1, b_v: 1 })
  })

  it('should keep paths of up to 10 keys and drop deeper ones by default', () => {
    const nest = (levels: number): unknown => (levels === 0 ? 'leaf' : { k: nest(levels - 1) })
    expect(attrs(nest(10))).toEqual({ k_k_k_k_k_k_k_k_k_k: 'leaf' })
    const deeper = toDriftAttributes(nest(11))
    expect(deeper.attributes).toEqual({})
    expect(deeper.warnings).toEqual([
      { path: 'k.k.k.k.k.k.k.k.k.k', action: 'dropped', reason: 'nested deeper than 10 levels' }
    ])
    expect(attrs(nest(3), { maxDepth: 2 })).toEqual({})
    expect(attrs(nest(2), { maxDepth: 2 })).toEqual({ k_k: 'leaf' })
  })

  /** An independent oracle: the key path of the (budget + 1)th key read, depth first, objects walked to maxDepth. */
  function firstUnreadPath(root: Record<string, unknown>, budget: number, maxDepth = 10): string | undefined {
    let count = 0
    const visit = (object: Record<string, unknown>, path: string[]): string | undefined => {
      for (const [key, value] of Object.entries(object)) {
        if (++count > budget) return [...path, key].join('.')
        const nested = typeof value === 'object' && value !== null && path.length + 1 < maxDepth
        const found = nested ? visit(value as Record<string, unknown>, [...path, key]) : undefined
        if (found) return found
      }
      return undefined
    }
    return visit(root, [])
  }
  const unread = (result: { warnings: MappingWarning[] }) =>
    result.warnings.filter((w) => w.reason.endsWith('the rest of the input was not read'))

  it('should stop reading after maxValues keys, so shared objects cannot make the work explode', () => {
    expect(toDriftAttributes({ a: 1, b: 2, c: 3, d: 4 }, { maxValues: 2 })).toEqual({
      attributes: { a: 1, b: 2 },
      warnings: [{ path: 'c', action: 'dropped', reason: 'more than 2 values: the rest of the input was not read' }]
    })
    // 10 levels of 10 keys that all point to the same object: 10^10 key paths from 11 objects.
    let shared: Record<string, unknown> = { leaf: 1 }
    for (let level = 0; level < 10; level++) {
      shared = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, shared]))
    }
    const started = Date.now()
    const result = toDriftAttributes(shared, { maxValues: 5000 })
    expect(Date.now() - started).toBeLessThan(2000)
    expect(Object.keys(result.attributes)).toHaveLength(0)
    const reason = 'more than 5000 values: the rest of the input was not read'
    expect(unread(result)).toEqual([{ path: firstUnreadPath(shared, 5000), action: 'dropped', reason }])
    // Every leaf here is 11 keys deep: what was read before the budget ran out was dropped, and counted.
    expect(result.warnings).toHaveLength(102)
    expect(result.warnings.at(-1)?.reason).toMatch(/^\d+ more warnings not listed$/)

    // One level less: the leaves are within maxDepth, so attributes come out until maxAttributes.
    const within = shared.k0 as Record<string, unknown>
    const read = toDriftAttributes(within, { maxValues: 5000 })
    expect(Object.keys(read.attributes)).toHaveLength(1000)
    expect(read.attributes.k0_k0_k0_k0_k0_k0_k0_k0_k0_leaf).toBe(1)
    expect(read.warnings[0]).toMatchObject({ action: 'dropped', reason: 'more than 1000 attributes' })
    expect(unread(read)).toEqual([{ path: firstUnreadPath(within, 5000), action: 'dropped', reason }])

    // The default budget: 100000 values of the 10^10 key paths, read in well under a second here.
    expect(FLATTEN_DEFAULTS.maxValues).toBe(100_000)
    const startedDefault = Date.now()
    const byDefault = toDriftAttributes(shared)
    expect(Date.now() - startedDefault).toBeLessThan(2000)
    expect(byDefault.attributes).toEqual({})
    expect(unread(byDefault)).toEqual([
      {
        path: firstUnreadPath(shared, 100_000),
        action: 'dropped',
        reason: 'more than 100000 values: the rest of the input was not read'
      }
    ])
  })

  it('should keep the JSON of an array of shared objects bounded by maxStringLength', () => {
    let shared: unknown = { leaf: 'x'.repeat(10) }
    for (let level = 0; level < 8; level++) shared = Array.from({ length: 10 }, () => shared)
    const result = toDriftAttributes({ list: [shared] }, { maxStringLength: 1000 })
    expect(result.attributes.list).toHaveLength(1000)
    expect(result.warnings.map((w) => w.reason)).toContain('string cut to 1000 characters')
  })

  it('should count the length of strings in the JSON of an array, so repeated long strings stop the reading early', () => {
    const long = 'x'.repeat(10_000)
    const started = Date.now()
    // Counted by values, 65536 of them would make a text of about 330 MB.
    const result = toDriftAttributes({ list: new Array(100_000).fill({ s: long }) })
    expect(Date.now() - started).toBeLessThan(1000)
    expect(result.attributes.list).toBe(`[${`{"s":"${long}"},`.repeat(7)}`.slice(0, 65_536))
    expect(result.warnings.map((w) => w.reason)).toContain('string cut to 65536 characters')
  })

  it('should find the depth of an attribute when two key paths collide, also among many attributes', () => {
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, { x: i }]))
    const result = toDriftAttributes({ ...many, k250_x: 'top' })
    expect(result.attributes.k250_x).toBe('top')
    expect(result.attributes.k249_x).toBe(249)
    expect(result.warnings).toEqual([
      {
        path: 'k250_x',
        action: 'changed',
        reason: 'replaced "k250_x" that came from a deeper key path (the shallower path wins)'
      }
    ])
  })

  // A stack overflow would be caught and show only as a "reading the value threw" warning.
  it('should stop at depth 10 on very deep nesting, without overflowing the stack', () => {
    let deep: Record<string, unknown> = { leaf: 1 }
    for (let i = 0; i < 100_000; i++) deep = { d: deep }
    expect(toDriftAttributes(deep)).toEqual({
      attributes: {},
      warnings: [{ path: 'd.d.d.d.d.d.d.d.d.d', action: 'dropped', reason: 'nested deeper than 10 levels' }]
    })
  })
})

describe('toDriftAttributes: collisions', () => {
  it('should let the shallower key path win, whatever the key order', () => {
    expect(attrs({ a_b: 1, a: { b: 2 } })).toEqual({ a_b: 1 })
    expect(attrs({ a: { b: 2 }, a_b: 1 })).toEqual({ a_b: 1 })
  })

  it('should report the loser of a collision', () => {
    expect(warningsOf({ a_b: 1, a: { b: 2 } })).toEqual([
      { path: 'a.b', action: 'dropped', reason: '"a_b" already came from a key path as shallow or shallower' }
    ])
    expect(warningsOf({ a: { b: 2 }, a_b: 1 })).toEqual([
      {
        path: 'a_b',
        action: 'changed',
        reason: 'replaced "a_b" that came from a deeper key path (the shallower path wins)'
      }
    ])
  })

  it('should let the first key in key order win at equal depth', () => {
    expect(attrs({ a_b: { c: 1 }, a: { b_c: 2 } })).toEqual({ a_b_c: 1 })
    expect(attrs({ a: { b_c: 2 }, a_b: { c: 1 } })).toEqual({ a_b_c: 2 })
  })
})

describe('toDriftAttributes: limits and text', () => {
  it('should keep at most maxAttributes attributes, the first in key order', () => {
    const input = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i]))
    const result = toDriftAttributes(input, { maxAttributes: 3 })
    expect(result.attributes).toEqual({ k0: 0, k1: 1, k2: 2 })
    expect(result.warnings).toHaveLength(7)
    expect(result.warnings[0]).toEqual({ path: 'k3', action: 'dropped', reason: 'more than 3 attributes' })
    expect(FLATTEN_DEFAULTS.maxAttributes).toBe(1000)
    expect(Object.keys(attrs(Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`k${i}`, i]))))).toHaveLength(
      1000
    )
  })

  it('should list at most 100 warnings and then a count', () => {
    const input = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`k${i}`, null]))
    const warnings = warningsOf(input)
    expect(warnings).toHaveLength(101)
    expect(warnings[100]).toEqual({ path: '', action: 'dropped', reason: '50 more warnings not listed' })
  })

  it('should cut long strings to maxStringLength, without splitting a surrogate pair', () => {
    expect(attrs({ s: 'abcdef' }, { maxStringLength: 4 })).toEqual({ s: 'abcd' })
    expect(warningsOf({ s: 'abcdef' }, { maxStringLength: 4 })).toEqual([
      { path: 's', action: 'changed', reason: 'string cut to 4 characters' }
    ])
    expect(attrs({ s: 'ab\u{1F600}c' }, { maxStringLength: 3 })).toEqual({ s: 'ab' })
    expect(attrs({ s: 'x'.repeat(70_000) }).s).toHaveLength(65_536)
  })

  it('should replace lone surrogates with U+FFFD', () => {
    const result = toDriftAttributes({ s: 'a\uD800b', t: '\uDC00', ok: '\u{1F600}' })
    expect(result.attributes).toEqual({ s: 'a\uFFFDb', t: '\uFFFD', ok: '\u{1F600}' })
    expect(paths(result.warnings)).toEqual(['s', 't'])
  })

  it('should replace lone surrogates the same way where String.prototype.isWellFormed is missing', () => {
    const proto = String.prototype as { isWellFormed?: unknown }
    const native = proto.isWellFormed
    delete proto.isWellFormed
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { toDriftAttributes: fresh } = require('../flatten') as typeof import('../flatten')
        const input = { s: 'a\uD800b', t: '\uDC00', u: '\uDC00\uD800', ok: '\u{1F600}\uFFFD', plain: 'abc' }
        const result = fresh(input)
        expect(result.attributes).toEqual({
          s: 'a\uFFFDb',
          t: '\uFFFD',
          u: '\uFFFD\uFFFD',
          ok: '\u{1F600}\uFFFD',
          plain: 'abc'
        })
        expect(paths(result.warnings)).toEqual(['s', 't', 'u'])
      })
    } finally {
      proto.isWellFormed = native
    }
  })
})

describe('toDriftAttributes: production builds', () => {
  it('should refuse an unknown option or one of the wrong type rather than ignore it (blocking never turns off silently)', () => {
    const input = { password: 'p', start_date: '2024-01-01' }
    expect(() => toDriftAttributes(input, { blockedAttributes: 5 as never })).toThrow(
      new RangeError('blockedAttributes must be a list of strings (at most 200)')
    )
    expect(() => toDriftAttributes(input, { blockedAttributes: {} as never })).toThrow(
      new RangeError('blockedAttributes must be a list of strings (at most 200)')
    )
    expect(() => toDriftAttributes(input, { dateKeys: ['start_date'] as never })).toThrow(
      new RangeError('dateKeys must be a Set of attribute names')
    )
    expect(() => toDriftAttributes(input, { seperator: '.' } as never)).toThrow(
      new RangeError('seperator is not an option of toDriftAttributes')
    )
    // Given right, each is taken; undefined takes the default.
    expect(toDriftAttributes(input, { blockedAttributes: [], dateKeys: new Set(), separator: undefined })).toEqual({
      attributes: { password: 'p', start_date: '2024-01-01' },
      warnings: []
    })
  })

  it('should still refuse a wrong option with a RangeError naming it when NODE_ENV is production', () => {
    const env = process.env.NODE_ENV
    process.env.NODE_ENV = 'production'
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { toDriftAttributes: production } = require('../flatten') as typeof import('../flatten')
        expect(() => production({ a: 1 }, { dateUnit: 'days' as never })).toThrow(
          new RangeError('dateUnit must be "seconds" or "milliseconds"')
        )
        expect(() => production({ a: 1 }, { maxDepth: 0 })).toThrow(
          new RangeError('maxDepth must be a whole number >= 1')
        )
      })
    } finally {
      process.env.NODE_ENV = env
    }
  })

  it('should give short reasons (code and detail) when NODE_ENV is production, and the same attributes', () => {
    const input = { a: null, m: new Map(), deep: { x: NaN }, tags: ['a', undefined], ok: 1 }
    const env = process.env.NODE_ENV
    process.env.NODE_ENV = 'production'
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { toDriftAttributes: production } = require('../flatten') as typeof import('../flatten')
        const result = production(input)
        expect(result.attributes).toEqual(toDriftAttributes(input).attributes)
        expect(result.warnings).toEqual([
          { path: 'a', action: 'dropped', reason: 'null' },
          { path: 'm', action: 'dropped', reason: 'not-data Map' },
          { path: 'deep.x', action: 'dropped', reason: 'not-finite NaN' },
          { path: 'tags[1]', action: 'dropped', reason: 'array-item undefined' }
        ])
      })
    } finally {
      process.env.NODE_ENV = env
    }
  })
})
