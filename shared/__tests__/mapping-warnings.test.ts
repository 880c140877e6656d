import type { MappingWarning } from '../types'

type Core = typeof import('../flatten') & typeof import('../contact') & typeof import('../identity')

/** The mapping core's modules, loaded afresh with NODE_ENV set (the texts are read once, when mapping-warnings.ts loads). */
function loadCore(nodeEnv: string): Core {
  const saved = process.env.NODE_ENV
  process.env.NODE_ENV = nodeEnv
  let core: Core | undefined
  try {
    jest.isolateModules(() => {
      /* eslint-disable @typescript-eslint/no-require-imports */
      core = { ...require('../flatten'), ...require('../contact'), ...require('../identity') } as Core
      /* eslint-enable @typescript-eslint/no-require-imports */
    })
  } finally {
    process.env.NODE_ENV = saved
  }
  return core as Core
}

const nest = (levels: number): unknown => (levels === 0 ? 'leaf' : { k: nest(levels - 1) })
const only = (warnings: MappingWarning[]) => {
  expect(warnings).toHaveLength(1)
  return warnings[0]
}

/** Each warning code: what triggers it, its development text and its production form (code and detail). */
const CASES: Array<[string, (core: Core) => MappingWarning | string | undefined, string, string]> = [
  [
    'not-an-object',
    (c) => only(c.toDriftAttributes('x').warnings),
    'expected an object of traits or properties, got string',
    'not-an-object string'
  ],
  ['not-data', (c) => only(c.toDriftAttributes({ m: new Map() }).warnings), 'Map is not JSON data', 'not-data Map'],
  ['not-finite', (c) => only(c.toDriftAttributes({ n: NaN }).warnings), 'NaN is not a finite number', 'not-finite NaN'],
  ['bigint', (c) => only(c.toDriftAttributes({ b: 1n }).warnings), 'BigInt sent as a string', 'bigint'],
  [
    'not-iso-date',
    (c) => only(c.toDriftAttributes({ start_date: 'soon' }).warnings),
    '"start_date" is a date attribute and this is no ISO-8601 date',
    'not-iso-date start_date'
  ],
  [
    'not-a-date',
    (c) => only(c.toDriftContactAttributes({ start_date: true }).warnings),
    '"start_date" is a date attribute and takes a Date, an ISO-8601 string or a timestamp',
    'not-a-date start_date'
  ],
  [
    'seconds',
    (c) => only(c.toDriftContactAttributes({ createdAt: 1668615901 }).warnings),
    '"start_date": Unix seconds sent as milliseconds',
    'seconds start_date'
  ],
  [
    'unsafe-key',
    (c) => only(c.toDriftAttributes(JSON.parse('{"__proto__":{"x":1}}')).warnings),
    'the key "__proto__" is never copied (prototype safety)',
    'unsafe-key __proto__'
  ],
  [
    'unsafe-name',
    (c) => only(c.toDriftAttributes({ _: { proto__: 1 } }).warnings),
    '"__proto__" is never an attribute name (prototype safety)',
    'unsafe-name __proto__'
  ],
  [
    'name-surrogates',
    (c) => only(c.toDriftAttributes({ 'a\uD800': 1 }).warnings),
    'unpaired UTF-16 surrogates in the name replaced with U+FFFD',
    'name-surrogates'
  ],
  [
    'surrogates',
    (c) => only(c.toDriftAttributes({ s: 'a\uD800' }).warnings),
    'unpaired UTF-16 surrogates replaced with U+FFFD',
    'surrogates'
  ],
  [
    'cut',
    (c) => only(c.toDriftAttributes({ s: 'abcdef' }, { maxStringLength: 4 }).warnings),
    'string cut to 4 characters',
    'cut 4'
  ],
  [
    'too-deep',
    (c) => only(c.toDriftAttributes(nest(3), { maxDepth: 2 }).warnings),
    'nested deeper than 2 levels',
    'too-deep 2'
  ],
  [
    'threw',
    (c) =>
      only(
        c.toDriftAttributes({
          get x(): number {
            throw new Error('boom')
          }
        }).warnings
      ),
    'reading the value threw',
    'threw'
  ],
  [
    'array-item',
    (c) => only(c.toDriftAttributes({ t: ['a', true, null] }).warnings),
    'array item null skipped',
    'array-item null'
  ],
  [
    'json',
    (c) => only(c.toDriftAttributes({ l: [{ a: 1 }] }).warnings),
    'array holding objects sent as one JSON string',
    'json'
  ],
  [
    'replaced',
    (c) => only(c.toDriftAttributes({ a: { b: 2 }, a_b: 1 }).warnings),
    'replaced "a_b" that came from a deeper key path (the shallower path wins)',
    'replaced a_b'
  ],
  [
    'collision',
    (c) => only(c.toDriftAttributes({ a_b: 1, a: { b: 2 } }).warnings),
    '"a_b" already came from a key path as shallow or shallower',
    'collision a_b'
  ],
  [
    'too-many',
    (c) => only(c.toDriftAttributes({ a: 1, b: 2 }, { maxAttributes: 1 }).warnings),
    'more than 1 attributes',
    'too-many 1'
  ],
  [
    'unread',
    (c) => only(c.toDriftAttributes({ a: 1, b: 2 }, { maxValues: 1 }).warnings),
    'more than 1 values: the rest of the input was not read',
    'unread 1'
  ],
  [
    'more-warnings',
    (c) =>
      c.toDriftAttributes(Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, null]))).warnings[100],
    '1 more warnings not listed',
    'more-warnings 1'
  ],
  [
    'blocked',
    (c) => only(c.toDriftAttributes({ password: 'x' }).warnings),
    'blocked by blockedAttributes ("password")',
    'blocked password'
  ],
  [
    'user-id',
    (c) => only(c.toDriftContactAttributes({ id: 'u1' }).warnings),
    'the user id travels on its own (as externalId), not as a trait',
    'user-id'
  ],
  [
    'given-too',
    (c) => only(c.toDriftContactAttributes({ firstName: 'a', first_name: 'b' }).warnings),
    '"first_name" was given too, and wins',
    'given-too first_name'
  ],
  [
    'no-text',
    (c) => only(c.toDriftContactAttributes({ title: { x: 1 } }).warnings),
    '"title" must be a string and this value has no text form',
    'no-text title'
  ],
  [
    'as-text',
    (c) => only(c.toDriftContactAttributes({ phone: 44 }).warnings),
    '"phone" is a string attribute: sent as text',
    'as-text phone'
  ],
  [
    'trimmed',
    (c) => only(c.toDriftContactAttributes({ email: ' a@b.co ' }).warnings),
    'spaces around the email removed',
    'trimmed email'
  ],
  [
    'group-id',
    (c) => only(c.toDriftCompanyAttributes('g1', { id: 'g2' }).warnings),
    'the company id is the group id',
    'group-id'
  ],
  // The identity guard's warning (its refusals read the same in every build: identity.test.ts).
  [
    'email-id',
    (c) => (c.guardUserId('ada@example.com') as { warning?: string }).warning,
    'the user id is an email address: it is guessable, so use a signed identity (userJwt) to keep chats private',
    'email-id'
  ]
]

/** Codes that read well as they are: the same text in every build. */
const PLAIN: Array<[string, (core: Core) => MappingWarning]> = [
  ['null', (c) => only(c.toDriftAttributes({ a: null }).warnings)],
  ['undefined', (c) => only(c.toDriftAttributes({ a: undefined }).warnings)],
  ['invalid Date', (c) => only(c.toDriftAttributes({ a: new Date(NaN) }).warnings)],
  ['empty object', (c) => only(c.toDriftAttributes({ a: {} }).warnings)],
  ['empty key', (c) => only(c.toDriftAttributes({ '': 1 }).warnings)],
  ['circular reference', (c) => only(cycle(c))],
  ['blank email', (c) => only(c.toDriftContactAttributes({ email: '  ' }).warnings)]
]
function cycle(c: Core): MappingWarning[] {
  const a: Record<string, unknown> = {}
  a.self = a
  return c.toDriftAttributes(a).warnings
}

const reasonOf = (found: MappingWarning | string | undefined) => (typeof found === 'object' ? found.reason : found)

describe('Drift.mappingWarnings', () => {
  const dev = loadCore('development')
  const production = loadCore('production')

  it.each(CASES)('should spell out %s in development builds', (_code, trigger, text) => {
    expect(reasonOf(trigger(dev))).toBe(text)
  })

  it.each(CASES)('should give %s as code and detail in production builds', (_code, trigger, _text, short) => {
    expect(reasonOf(trigger(production))).toBe(short)
  })

  it.each(PLAIN)('should give "%s" as it is in both builds', (code, trigger) => {
    expect(trigger(dev).reason).toBe(code)
    expect(trigger(production).reason).toBe(code)
  })

  it('should keep the path and action in production builds, and the same attributes', () => {
    const input = { a: { b: new Set([1]) }, password: 'x', t: [1, NaN], ok: 1 }
    const [d, p] = [dev.toDriftAttributes(input), production.toDriftAttributes(input)]
    expect(p.attributes).toEqual(d.attributes)
    expect(p.warnings.map((w) => [w.path, w.action])).toEqual(d.warnings.map((w) => [w.path, w.action]))
    expect(p.warnings.map((w) => w.reason)).toEqual(['not-data Set', 'blocked password', 'array-item NaN'])
  })

  it('should give identity refusals the same terse text in every build (they are errors, not warnings)', () => {
    for (const core of [dev, production]) {
      expect(core.guardUserId('NULL')).toEqual({
        ok: false,
        reason: 'userId must not be a placeholder (null, 0, anonymous…)'
      })
      expect(core.guardUserId(true)).toEqual({ ok: false, reason: 'userId must be a string or a finite number' })
    }
  })

  it('should keep a detail holding "$&" as it is', () => {
    expect(dev.toDriftAttributes({ a: 1 }, { blockedAttributes: ['a$&'] }).warnings).toEqual([])
    expect(dev.toDriftAttributes({ 'a_$&': 1, a: { '$&': 2 } }).warnings).toEqual([
      { path: 'a.$&', action: 'dropped', reason: '"a_$&" already came from a key path as shallow or shallower' }
    ])
  })
})
