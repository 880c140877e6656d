// The hostile-event corpus: Segment events built to break a destination. Each entry names the field it attacks,
// so a test can check that a refusal names it too. Events are built on demand (some are megabytes, some have
// cycles, which no JSON file can hold).

export type Mode = 'cloud' | 'device' | 'replay'

export interface HostileEvent {
  name: string
  /** The field under attack, as a refusal should name it (e.g. `userId`, `event`, `traits`). */
  field: string
  /** Modes the event can reach: device mode only gets what analytics-next's API can express; replay needs JSON. */
  modes: Mode[]
  build(): Record<string, unknown>
}

const ALL: Mode[] = ['cloud', 'device', 'replay']
/** Not expressible as JSON (cycles, BigInt, functions, Date objects): cloud actions and device mode only. */
const IN_CODE: Mode[] = ['cloud', 'device']
/** Only an NDJSON line or a raw actions-core event can be this (e.g. no `type`). */
const RAW: Mode[] = ['cloud', 'replay']

export const ONE_MB = 1024 * 1024
const big = (): string => 'x'.repeat(ONE_MB)
const manyKeys = (n: number): Record<string, number> => {
  const out: Record<string, number> = {}
  for (let i = 0; i < n; i++) out[`k${i}`] = i
  return out
}
const deep = (depth: number): Record<string, unknown> => {
  let node: Record<string, unknown> = { leaf: 'bottom' }
  for (let i = 0; i < depth; i++) node = { n: node }
  return node
}
/** Valid identify traits, so the hostile part is the only thing wrong. */
const email = (id: string): string => `${id.replace(/[^a-z0-9]/gi, '') || 'x'}@example.com`

let counter = 0
/** A fresh, valid user id per event (ids are unique so one entry never updates another's contact). */
const uid = (): string => `hostile-${++counter}`

const identify = (extra: Record<string, unknown> = {}): Record<string, unknown> => {
  const userId = uid()
  return { type: 'identify', userId, traits: { email: email(userId) }, timestamp: '2024-05-01T10:00:00.000Z', ...extra }
}
/** A valid track whose contact can be created from it (cloud mode needs an email for an unknown user). */
const track = (extra: Record<string, unknown> = {}): Record<string, unknown> => {
  const userId = uid()
  return {
    type: 'track',
    userId,
    event: 'Hostile Event',
    properties: { ok: true },
    context: { traits: { email: email(userId) } },
    timestamp: '2024-05-01T10:00:00.000Z',
    ...extra
  }
}

export const HOSTILE_EVENTS: HostileEvent[] = [
  // Missing fields
  { name: 'no type', field: 'type', modes: RAW, build: () => ({ userId: uid(), event: 'No Type' }) },
  { name: 'type is a number', field: 'type', modes: RAW, build: () => ({ type: 42, userId: uid() }) },
  { name: 'unsupported type alias', field: 'type', modes: ['replay'], build: () => ({ type: 'alias', userId: uid() }) },
  { name: 'track without event name', field: 'event', modes: ALL, build: () => track({ event: undefined }) },
  { name: 'track with empty event name', field: 'event', modes: ALL, build: () => track({ event: '' }) },
  {
    name: 'identify without userId or email',
    field: 'userId',
    modes: ALL,
    build: () => identify({ userId: undefined, traits: { plan: 'pro' } })
  },
  { name: 'track without userId or email', field: 'userId', modes: ALL, build: () => track({ userId: undefined }) },
  {
    name: 'group without groupId or traits',
    field: 'domain',
    modes: ALL,
    build: () => ({ type: 'group', userId: uid(), groupId: 'g-empty' })
  },
  {
    name: 'page without name',
    field: 'name',
    modes: ALL,
    build: () => ({ ...track(), type: 'page', event: undefined, properties: {} })
  },
  // Wrong types
  { name: 'event name is a number', field: 'event', modes: RAW, build: () => track({ event: 12345 }) },
  { name: 'event name is an object', field: 'event', modes: RAW, build: () => track({ event: { name: 'x' } }) },
  { name: 'traits is an array', field: 'traits', modes: ALL, build: () => identify({ traits: ['a', 'b'] }) },
  { name: 'traits is a string', field: 'traits', modes: RAW, build: () => identify({ traits: 'email=a@b.c' }) },
  { name: 'properties is an array', field: 'properties', modes: ALL, build: () => track({ properties: [1, 2, 3] }) },
  { name: 'properties is a number', field: 'properties', modes: RAW, build: () => track({ properties: 7 }) },
  {
    name: 'email is an object',
    field: 'email',
    modes: ALL,
    build: () => identify({ traits: { email: { address: 'a@b.c' } } })
  },
  {
    name: 'campaign source is an object',
    field: 'recent_source',
    modes: ALL,
    build: () => identify({ context: { campaign: { source: { x: 1 } } } })
  },
  {
    name: 'integrations is a string',
    field: 'integrations',
    modes: RAW,
    build: () => track({ integrations: 'Drift' })
  },
  {
    name: 'groupId is an object',
    field: 'groupId',
    modes: ALL,
    build: () => ({
      type: 'group',
      userId: uid(),
      groupId: { id: 1 },
      traits: { name: 'Acme', website: 'acme-hostile.example' }
    })
  },
  {
    name: 'website is a script URL',
    field: 'domain',
    modes: ALL,
    build: () => ({
      type: 'group',
      userId: uid(),
      groupId: 'g-js',
      traits: { name: 'Evil', website: 'javascript:alert(1)' }
    })
  },
  // Ids that are placeholders, collide, or are the wrong type
  ...['undefined', 'null', '0', '[object Object]', 'anonymous', 'NaN', '', '   ', ' padded '].map(
    (id): HostileEvent => ({
      name: `userId "${id}"`,
      field: 'userId',
      modes: ALL,
      build: () => identify({ userId: id })
    })
  ),
  { name: 'userId is a number', field: 'userId', modes: ALL, build: () => identify({ userId: 4242 + counter }) },
  { name: 'userId is 0 (number)', field: 'userId', modes: ALL, build: () => identify({ userId: 0 }) },
  { name: 'userId beyond 2^53', field: 'userId', modes: RAW, build: () => identify({ userId: 2 ** 60 }) },
  { name: 'userId is an object', field: 'userId', modes: RAW, build: () => identify({ userId: { id: 'u' } }) },
  { name: 'userId is an array', field: 'userId', modes: RAW, build: () => identify({ userId: ['u1'] }) },
  { name: 'userId is true', field: 'userId', modes: RAW, build: () => identify({ userId: true }) },
  { name: 'userId with a NUL byte', field: 'userId', modes: ALL, build: () => identify({ userId: 'user\u0000-1' }) },
  {
    name: 'userId of zero-width spaces',
    field: 'userId',
    modes: ALL,
    build: () => identify({ userId: '\u200b\u200b' })
  },
  { name: 'userId 1 MB long', field: 'userId', modes: ALL, build: () => track({ userId: big() }) },
  // Sizes
  {
    name: '1 MB trait string',
    field: 'bio',
    modes: ALL,
    build: () => identify({ traits: { email: 'big@example.com', bio: big() } })
  },
  { name: '1 MB event name', field: 'event', modes: ALL, build: () => track({ event: big() }) },
  { name: '1 MB property', field: 'blob', modes: ALL, build: () => track({ properties: { blob: big() } }) },
  {
    name: '10,000-key traits',
    field: 'traits',
    modes: ALL,
    build: () => identify({ traits: { email: 'keys@example.com', ...manyKeys(10_000) } })
  },
  {
    name: '10,000-key properties',
    field: 'properties',
    modes: ALL,
    build: () => track({ properties: manyKeys(10_000) })
  },
  { name: '1,000-deep properties', field: 'properties', modes: ALL, build: () => track({ properties: deep(1000) }) },
  {
    name: '100,000-element array',
    field: 'list',
    modes: ALL,
    build: () => track({ properties: { list: Array.from({ length: 100_000 }, (_, i) => i) } })
  },
  // Prototype pollution (JSON.parse makes a real own `__proto__` key)
  {
    name: '__proto__ trait',
    field: '__proto__',
    modes: ALL,
    build: () => ({
      ...identify(),
      traits: JSON.parse(
        '{"email":"proto@example.com","__proto__":{"isAdmin":true},"constructor":{"prototype":{"polluted":1}}}'
      ) as object
    })
  },
  {
    name: '__proto__ property',
    field: '__proto__',
    modes: ALL,
    build: () => ({
      ...track(),
      properties: JSON.parse('{"__proto__":{"polluted":true},"a":{"__proto__":{"b":1}}}') as object
    })
  },
  {
    name: '__proto__ at the top of the event',
    field: '__proto__',
    modes: RAW,
    build: () => {
      const id = uid()
      return JSON.parse(
        `{"type":"track","userId":"${id}","event":"Proto","context":{"traits":{"email":"${id}@example.com"}},"__proto__":{"userId":"admin"}}`
      ) as Record<string, unknown>
    }
  },
  // Dates
  { name: 'timestamp is not a date', field: 'timestamp', modes: RAW, build: () => track({ timestamp: 'not a date' }) },
  {
    name: 'timestamp month 13',
    field: 'timestamp',
    modes: RAW,
    build: () => track({ timestamp: '2024-13-45T99:00:00Z' })
  },
  {
    name: 'timestamp beyond year 275760',
    field: 'timestamp',
    modes: RAW,
    build: () => track({ timestamp: '+275761-01-01T00:00:00Z' })
  },
  {
    name: 'createdAt trait is not a date',
    field: 'createdAt',
    modes: ALL,
    build: () => identify({ traits: { email: 'date@example.com', createdAt: 'yesterday-ish' } })
  },
  {
    name: 'invalid Date object in properties',
    field: 'when',
    modes: IN_CODE,
    build: () => track({ properties: { when: new Date(NaN) } })
  },
  // Text
  {
    name: 'lone surrogate in event name',
    field: 'event',
    modes: ALL,
    build: () => track({ event: 'Broken \ud800 Event' })
  },
  {
    name: 'lone surrogate in trait',
    field: 'nickname',
    modes: ALL,
    build: () => identify({ traits: { email: 'sur@example.com', nickname: '\udfffbad' } })
  },
  {
    name: 'lone surrogate in userId',
    field: 'userId',
    modes: ALL,
    build: () => identify({ userId: `u-\ud83d-${uid()}` })
  },
  {
    name: 'control characters in a property',
    field: 'note',
    modes: ALL,
    build: () => track({ properties: { note: 'a\u0000b\u001bc\u007f' } })
  },
  {
    name: 'script in a property',
    field: 'html',
    modes: ALL,
    build: () => track({ properties: { html: '<script>alert(1)</script>' } })
  },
  // Values JSON cannot carry
  { name: 'cycle in properties', field: 'properties', modes: IN_CODE, build: () => cyclic(track()) },
  {
    name: 'cycle in traits',
    field: 'traits',
    modes: IN_CODE,
    build: () => {
      const e = identify()
      ;(e.traits as Record<string, unknown>).self = e.traits
      return e
    }
  },
  {
    name: 'BigInt property',
    field: 'amount',
    modes: IN_CODE,
    build: () => track({ properties: { amount: BigInt(10) ** BigInt(30) } })
  },
  {
    name: 'function and symbol properties',
    field: 'fn',
    modes: IN_CODE,
    build: () => track({ properties: { fn: () => 1, sym: Symbol('s'), ok: 1 } })
  },
  {
    name: 'NaN and Infinity properties',
    field: 'nan',
    modes: IN_CODE,
    build: () => track({ properties: { nan: NaN, inf: Infinity, negZero: -0 } })
  }
]

function cyclic(event: Record<string, unknown>): Record<string, unknown> {
  const properties: Record<string, unknown> = { label: 'loop', child: {} }
  ;(properties.child as Record<string, unknown>).parent = properties
  properties.self = properties
  return { ...event, properties }
}

/** Entries that reach a mode. */
export const corpusFor = (mode: Mode): HostileEvent[] => HOSTILE_EVENTS.filter((entry) => entry.modes.includes(mode))

/**
 * NDJSON lines that are not events at all, as raw bytes: the replay must report each by line number.
 * Invalid UTF-8 inside an otherwise valid event is decoded to U+FFFD (the event is still sent).
 */
export function hostileRawLines(): Array<{ name: string; bytes: Buffer; kind: 'malformed' | 'event' }> {
  const text = (s: string): Buffer => Buffer.from(s, 'utf8')
  return [
    { name: 'not JSON', bytes: text('this is not json'), kind: 'malformed' },
    { name: 'truncated JSON', bytes: text('{"type":"track","userId":"u-trunc","event":"Cut'), kind: 'malformed' },
    { name: 'JSON array', bytes: text('[1,2,3]'), kind: 'malformed' },
    { name: 'JSON null', bytes: text('null'), kind: 'malformed' },
    { name: 'JSON string', bytes: text('"track"'), kind: 'malformed' },
    { name: 'raw invalid UTF-8 bytes only', bytes: Buffer.from([0xff, 0xfe, 0xfd, 0x80, 0xc0]), kind: 'malformed' },
    {
      name: 'invalid UTF-8 inside an event',
      bytes: Buffer.concat([
        text('{"type":"track","userId":"u-bytes-1","event":"Bytes '),
        Buffer.from([0xff, 0xc3, 0x28]),
        text('","context":{"traits":{"email":"bytes@example.com"}}}')
      ]),
      kind: 'event'
    },
    { name: 'NUL bytes line', bytes: Buffer.from([0x00, 0x00, 0x00]), kind: 'malformed' },
    { name: 'deeply nested JSON array', bytes: text(`${'['.repeat(5000)}${']'.repeat(5000)}`), kind: 'malformed' }
  ]
}
