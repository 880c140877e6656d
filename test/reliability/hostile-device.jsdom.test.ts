import type { DriftPlugin } from '../../destinations/drift-web/plugin'
import { loadReadyPlugin, useWidgetPage } from '../../destinations/drift-web/__tests__/helpers/destination'
import { sandbox, sleep } from '../../destinations/drift-web/__tests__/helpers/page'
import { HOSTILE_EVENTS, corpusFor } from '../hostile/corpus'
import { driftReasons, runDevice, widgetCallCount } from '../hostile/device'
import { MB, heapAfterGc } from '../hostile/memory'

// Every hostile event a site could pass to analytics-next, through driftPlugin, against the sandbox's widget served
// over 127.0.0.1: each becomes widget calls (with the mapping core's documented changes) or a reason in the
// event's log. Nothing throws out of analytics, nothing vanishes without a word.

jest.setTimeout(60_000)

const page = useWidgetPage()

const setup = () => loadReadyPlugin(page)

const settle = (plugin: DriftPlugin) => async () => {
  await plugin.client?.idle()
  await sleep(5)
}

/** The widget method each call type should reach when delivered. */
const METHODS: Record<string, string[]> = {
  identify: ['identify', 'api.setUserAttributes', 'reset'],
  track: ['track'],
  page: ['page', 'identify'],
  group: ['api.setUserAttributes']
}

describe('hostile events through device mode', () => {
  it.each(corpusFor('device').map((entry) => [entry.name, entry] as const))('%s', async (_name, entry) => {
    const { plugin, analytics } = await setup()
    const event = entry.build()
    const result = await runDevice(analytics, event, settle(plugin))
    if (result.outcome === 'crashed' || result.outcome === 'silent') {
      throw new Error(`${entry.name}: ${JSON.stringify(result)}`)
    }
    if (result.outcome === 'rejected') {
      // analytics-next checks its own arguments first: the caller's promise rejects with the reason.
      expect(result.reason).toMatch(/^Error: Event missing/)
    } else if (result.outcome === 'delivered') {
      expect(METHODS[event.type as string]).toEqual(expect.arrayContaining(result.calls))
    } else {
      expect(result.reasons.join('\n')).toMatch(/\[Drift\] .+/)
    }
  })

  it('refuses placeholder and malformed ids with the reason in the event log, never calling drift.identify', async () => {
    const { plugin, analytics } = await setup()
    const entries = HOSTILE_EVENTS.filter((e) => e.field === 'userId' && e.modes.includes('device'))
    let judged = 0
    for (const entry of entries) {
      const event = entry.build()
      if (event.type !== 'identify' || event.userId === undefined || typeof event.userId === 'number') continue
      // analytics-next keeps the last user id: forget it, so each entry is judged on its own id.
      analytics.reset()
      await plugin.client?.idle()
      const before = widgetCallCount()
      const result = await runDevice(analytics, event, settle(plugin))
      const identifies = sandbox()!
        .calls.slice(before)
        .filter((c) => c.method === 'identify')
      expect({ name: entry.name, identifies }).toEqual({ name: entry.name, identifies: [] })
      if (event.userId === '') {
        // analytics-next itself turns identify('') into an identify without a user id (the plugin never sees ''):
        // only the anonymous attributes reach Drift.
        const seen = {
          userId: result.ctx?.event.userId,
          outcome: result.outcome,
          calls: 'calls' in result && result.calls
        }
        expect({ name: entry.name, ...seen }).toEqual({
          name: entry.name,
          userId: null,
          outcome: 'delivered',
          calls: ['api.setUserAttributes']
        })
        continue
      }
      expect({ name: entry.name, userId: result.ctx?.event.userId }).toEqual({ name: entry.name, userId: event.userId })
      expect({ name: entry.name, ...result }).toMatchObject({ name: entry.name, outcome: 'reported' })
      if (result.outcome === 'reported') expect(result.reasons.join('\n')).toMatch(/identify not sent: userId /)
      judged++
    }
    expect(judged).toBeGreaterThanOrEqual(10)
    expect(sandbox()?.calls.filter((c) => c.method === 'identify')).toEqual([])
  })

  it('sends what it delivers flat, cut and safe (the documented changes)', async () => {
    const { plugin, analytics } = await setup()
    /** Sends one corpus entry, which must become exactly one drift.track call: that call's properties and reasons. */
    const trackOf = async (name: string): Promise<{ properties: Record<string, unknown>; reasons: string }> => {
      const before = widgetCallCount()
      const result = await runDevice(analytics, HOSTILE_EVENTS.find((e) => e.name === name)!.build(), settle(plugin))
      const tracks = sandbox()!
        .calls.slice(before)
        .filter((c) => c.method === 'track')
      expect({ name, outcome: result.outcome, tracks: tracks.length }).toEqual({
        name,
        outcome: 'delivered',
        tracks: 1
      })
      const reasons = result.ctx ? driftReasons(result.ctx).join('\n') : ''
      return { properties: tracks[0].args[1] as Record<string, unknown>, reasons }
    }

    const blob = await trackOf('1 MB property')
    expect(String(blob.properties.blob ?? '').length).toBe(65536)

    // Every level of this chain is an object, so the cut at 10 levels leaves no attribute: the reason says so.
    const deep = await trackOf('1,000-deep properties')
    expect(Object.keys(deep.properties).every((k) => k.split('_').length <= 10)).toBe(true)
    expect(deep.reasons).toMatch(/nested deeper than 10 levels/)

    expect((await trackOf('cycle in properties')).properties).toMatchObject({ label: 'loop' })

    const proto = await trackOf('__proto__ property')
    expect(Object.keys(proto.properties).filter((k) => /proto/.test(k))).toEqual([])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()

    await trackOf('lone surrogate in event name')

    expect((await trackOf('BigInt property')).properties).toEqual({ amount: '1000000000000000000000000000000' })
  })

  it('keeps memory bounded over repeated runs of the corpus', async () => {
    const { plugin, analytics } = await setup()
    const runAll = async () => {
      for (const entry of corpusFor('device')) await runDevice(analytics, entry.build(), settle(plugin))
      sandbox()!.calls.length = 0
    }
    await runAll()
    const start = heapAfterGc()
    await runAll()
    await runAll()
    expect(heapAfterGc() - start).toBeLessThan(40 * MB)
  })
})
