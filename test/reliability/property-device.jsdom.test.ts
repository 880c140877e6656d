import fc from 'fast-check'
import { driftPlugin } from '../../destinations/drift-web/plugin'
import { loadAnalytics } from '../../destinations/drift-web/__tests__/helpers/analytics'
import { useWidgetPage } from '../../destinations/drift-web/__tests__/helpers/destination'
import { sandbox, sleep, waitFor } from '../../destinations/drift-web/__tests__/helpers/page'
import { inCodeEvents } from '../hostile/arbitraries'
import { runDevice } from '../hostile/device'

// Random Segment calls (any JS values: Dates, BigInt, Maps, null prototypes...) through analytics-next and
// driftPlugin against the sandbox widget: never an uncaught throw; every call becomes widget calls or a reason in
// its event log (debug-level skips included, e.g. a duplicate identify or integrations.Drift false).

jest.setTimeout(60_000)

const page = useWidgetPage()

it('should turn every random call into widget calls or a logged reason, never a crash', async () => {
  const plugin = driftPlugin({ embedId: 'embed-1', scriptOrigin: page.server().origin })
  const [analytics] = await loadAnalytics([plugin])
  await waitFor(() => sandbox()?.ready === true, 'the widget to be ready')
  const settle = async () => {
    await plugin.client?.idle()
    await sleep(1)
  }
  const uncaught: unknown[] = []
  const onError = (event: ErrorEvent) => uncaught.push(event.error)
  window.addEventListener('error', onError)
  const seen = { delivered: 0, reported: 0, rejected: 0 }
  try {
    await fc.assert(
      fc.asyncProperty(inCodeEvents, async (event) => {
        const result = await runDevice(analytics, event, settle, ['debug', 'info', 'warn', 'error'])
        if (result.outcome === 'crashed' || result.outcome === 'silent') {
          throw new Error(`${result.outcome}: ${'reason' in result ? result.reason : ''}`)
        }
        seen[result.outcome]++
      }),
      { numRuns: 150 }
    )
  } finally {
    window.removeEventListener('error', onError)
  }
  expect(uncaught).toEqual([])
  expect(seen.delivered).toBeGreaterThan(0)
  expect(seen.reported).toBeGreaterThan(0)
})
