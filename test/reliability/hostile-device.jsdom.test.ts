import { driftPlugin, type DriftPlugin } from '../../destinations/drift-web/plugin'
import { loadAnalytics } from '../../destinations/drift-web/__tests__/helpers/analytics'
import { useWidgetPage } from '../../destinations/drift-web/__tests__/helpers/destination'
import { sandbox, sleep, waitFor } from '../../destinations/drift-web/__tests__/helpers/page'
import { HOSTILE_EVENTS, corpusFor } from '../hostile/corpus'
import { runDevice } from '../hostile/device'
import { MB, heapAfterGc } from '../hostile/memory'

// Every hostile event a site could pass to analytics-next, through driftPlugin, against the sandbox's widget served
// over 127.0.0.1: each becomes widget calls (with the mapping core's documented changes) or a reason in the
// event's log. Nothing throws out of analytics, nothing vanishes without a word.

jest.setTimeout(60_000)

const page = useWidgetPage()

async function setup(): Promise<{ plugin: DriftPlugin; analytics: Awaited<ReturnType<typeof loadAnalytics>>[0] }> {
  const plugin = driftPlugin({ embedId: 'embed-1', scriptOrigin: page.server().origin })
  const [analytics] = await loadAnalytics([plugin])
  await waitFor(() => sandbox()?.ready === true, 'the widget to be ready')
  return { plugin, analytics }
}

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
    for (const entry of entries) {
      const event = entry.build()
      if (event.type !== 'identify' || event.userId === undefined || typeof event.userId === 'number') continue
      const result = await runDevice(analytics, event, settle(plugin))
      expect({ name: entry.name, ...result }).toMatchObject({ name: entry.name, outcome: 'reported' })
      if (result.outcome === 'reported') expect(result.reasons.join('\n')).toMatch(/identify not sent: userId /)
    }
    expect(sandbox()?.calls.filter((c) => c.method === 'identify')).toEqual([])
  })

  it('sends what it delivers flat, cut and safe (the documented changes)', async () => {
    const { plugin, analytics } = await setup()
    const build = (name: string) => HOSTILE_EVENTS.find((e) => e.name === name)!.build()
    const lastArgs = (method: string) =>
      sandbox()!
        .calls.filter((c) => c.method === method)
        .slice(-1)[0]?.args

    await runDevice(analytics, build('1 MB property'), settle(plugin))
    expect(((lastArgs('track')?.[1] as Record<string, string>).blob ?? '').length).toBe(65536)

    await runDevice(analytics, build('1,000-deep properties'), settle(plugin))
    const deepKeys = Object.keys(lastArgs('track')?.[1] as object)
    expect(deepKeys.every((k) => k.split('_').length <= 10)).toBe(true)

    const cyc = await runDevice(analytics, build('cycle in properties'), settle(plugin))
    expect(cyc.outcome).toBe('delivered')
    expect(lastArgs('track')?.[1]).toMatchObject({ label: 'loop' })

    await runDevice(analytics, build('__proto__ property'), settle(plugin))
    expect(Object.keys(lastArgs('track')?.[1] as object).filter((k) => /proto/.test(k))).toEqual([])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()

    const surrogate = await runDevice(analytics, build('lone surrogate in event name'), settle(plugin))
    expect(surrogate.outcome).toBe('delivered')

    await runDevice(analytics, build('BigInt property'), settle(plugin))
    expect(lastArgs('track')?.[1]).toEqual({ amount: '1000000000000000000000000000000' })
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
