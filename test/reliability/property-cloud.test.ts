import fc from 'fast-check'
import { resetDriftCaches } from '../../destinations/drift'
import { DEFAULT_SANDBOX_TOKEN, startSandbox, type Sandbox } from '../../sandbox'
import { jsonEvents } from '../hostile/arbitraries'
import { cloudSettings, newCloudDestination, runCloud } from '../hostile/cloud'

// Random Segment events through the cloud destination against the sandbox: never a crash; every outcome is a
// delivery, "not subscribed" (no preset for that type), or an actions-core error with a message.

jest.setTimeout(60_000)

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: false })
})
afterAll(() => sandbox.close())

it('should deliver or refuse with a reason every random event, never crash', async () => {
  const destination = newCloudDestination()
  const settings = cloudSettings(sandbox.url, DEFAULT_SANDBOX_TOKEN)
  const seen = { delivered: 0, refused: 0, 'not subscribed': 0 }
  await fc.assert(
    fc.asyncProperty(jsonEvents, async (event) => {
      resetDriftCaches()
      const result = await runCloud(destination, event, settings)
      if (result.outcome === 'crashed') throw new Error(`crashed: ${result.errorClass}: ${result.reason}`)
      if (result.outcome === 'refused') expect(result.reason.trim()).not.toBe('')
      if (result.outcome === 'not subscribed') expect(['identify', 'track', 'page', 'group']).not.toContain(event.type)
      seen[result.outcome]++
    }),
    { numRuns: 300 }
  )
  // The generator reaches every outcome (a property that only ever refuses would prove little).
  expect(Object.entries(seen).filter(([, count]) => count === 0)).toEqual([])
})
