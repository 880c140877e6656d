import { onDriftRequest, resetDriftCaches } from '../../destinations/drift'
import { DEFAULT_SANDBOX_TOKEN, startSandbox, type Sandbox } from '../../sandbox'
import { cloudSettings, newCloudDestination, runCloud, type CloudOutcome } from '../hostile/cloud'
import { HOSTILE_EVENTS, ONE_MB, corpusFor } from '../hostile/corpus'
import { MB, heapAfterGc } from '../hostile/memory'
import { FIELD_NAMES } from '../hostile/ndjson'

// Every hostile event through the cloud destination as a CDP runs it (actions-core, preset subscriptions), against
// the sandbox over real HTTP: each is delivered (with the mapping core's documented changes) or refused with an
// actions-core error naming the field and the rule. Nothing crashes, nothing is dropped without a reason.

jest.setTimeout(60_000)

/** Cycles cannot arrive as JSON; built in code, actions-core's own mapping (removeUndefined) overflows first. */
const CYCLES = new Set(['cycle in properties', 'cycle in traits'])

let sandbox: Sandbox
const writes: string[] = []
let unsubscribe: () => void

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: false })
  unsubscribe = onDriftRequest((r) => {
    if (r.status !== undefined && r.status < 300 && !r.route.startsWith('GET')) writes.push(r.route)
  })
})
afterAll(async () => {
  unsubscribe()
  await sandbox.close()
})

const contactByEmail = (email: string) => sandbox.state.contacts.find((c) => c.attributes.email === email)

describe('hostile events through cloud mode', () => {
  const destination = newCloudDestination()
  const settings = () => cloudSettings(sandbox.url, DEFAULT_SANDBOX_TOKEN)

  it.each(corpusFor('cloud').map((entry) => [entry.name, entry] as const))('%s', async (_name, entry) => {
    resetDriftCaches()
    const before = writes.length
    const outcome: CloudOutcome = await runCloud(destination, entry.build(), settings())
    if (CYCLES.has(entry.name)) {
      // Rejected (never uncaught) inside actions-core before the destination runs; nothing reaches Drift.
      expect(outcome).toMatchObject({ outcome: 'crashed', errorClass: 'RangeError' })
      expect(writes.length).toBe(before)
      return
    }
    expect(outcome.outcome).not.toBe('crashed')
    if (outcome.outcome === 'not subscribed') {
      // No preset matches an event without a usable type: a CDP never hands it over (the replay rejects it).
      expect(entry.field).toBe('type')
    } else if (outcome.outcome === 'refused') {
      expect(outcome.reason).toMatch(FIELD_NAMES[entry.field] ?? new RegExp(entry.field, 'i'))
      expect(writes.length).toBe(before)
    } else {
      // Delivered: Drift got at least one write for it.
      expect(writes.length).toBeGreaterThan(before)
    }
  })

  it('applies the documented changes to what it delivers', async () => {
    resetDriftCaches()
    const build = (name: string) => HOSTILE_EVENTS.find((e) => e.name === name)!.build()
    const run = (event: object) => runCloud(destination, event, settings())

    await expect(run(build('1 MB trait string'))).resolves.toEqual({ outcome: 'delivered' })
    const bio = contactByEmail('big@example.com')?.attributes.bio as string
    expect(bio.length).toBe(65536) // maxStringLength: cut, not refused
    expect(bio.length).toBeLessThan(ONE_MB)

    await expect(run(build('10,000-key traits'))).resolves.toEqual({ outcome: 'delivered' })
    const keys = Object.keys(contactByEmail('keys@example.com')?.attributes ?? {})
    expect(keys.length).toBeGreaterThan(100)
    expect(keys.length).toBeLessThanOrEqual(1002) // maxAttributes 1000, plus email and externalId

    await expect(run(build('__proto__ trait'))).resolves.toEqual({ outcome: 'delivered' })
    const proto = contactByEmail('proto@example.com')?.attributes ?? {}
    expect(Object.keys(proto).filter((k) => /proto|constructor/.test(k))).toEqual([])
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined()
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()

    await expect(run(build('lone surrogate in trait'))).resolves.toEqual({ outcome: 'delivered' })
    expect(contactByEmail('sur@example.com')?.attributes.nickname).toBe('\ufffdbad')

    const topProto = build('__proto__ at the top of the event')
    await expect(run(topProto)).resolves.toEqual({ outcome: 'delivered' })
    const owner = sandbox.state.contacts.find((c) => c.attributes.externalId === topProto.userId)
    expect(owner).toBeDefined()
    expect(sandbox.state.contacts.some((c) => c.attributes.externalId === 'admin')).toBe(false)
    expect(sandbox.state.timeline.filter((t) => t.contactId === owner?.id).map((t) => t.event)).toEqual(['Proto'])
  })

  it('keeps memory bounded over repeated runs of the whole corpus', async () => {
    const runAll = async () => {
      resetDriftCaches()
      for (const entry of corpusFor('cloud')) await runCloud(destination, entry.build(), settings())
    }
    await runAll()
    sandbox.reset()
    const start = heapAfterGc()
    for (let i = 0; i < 3; i++) {
      await runAll()
      sandbox.reset()
    }
    expect(heapAfterGc() - start).toBeLessThan(30 * MB)
  })
})
