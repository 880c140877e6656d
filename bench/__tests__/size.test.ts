import { ANALYTICS_ALONE, FORBIDDEN_IN_PLUGIN, WEB_BAR_BYTES, WITH_WEB, measure, page, partCosts } from '../size'

// `npm run size` prints what each part costs by building the plugin with that part stubbed out: a stub that
// no longer matches its module's exports fails the build, and the table would not print.

describe('npm run size: the cost of each part', () => {
  it('should build the plugin without each part, each part costing something but less than the whole', async () => {
    const whole = await measure('plugin', 'destinations/drift-web/plugin.ts')
    const rows = await partCosts(whole)
    expect(rows.map(([part]) => part)).toEqual([
      'flattening (shared/flatten.ts)',
      'contact and company mapping (shared/contact.ts)',
      'identity guard (shared/identity.ts)',
      'device settings checks (shared/settings-rules.ts)',
      'the rest: widget side (plugin, controller, loader, stub, widget events)',
      'message text of every warning and error (across all parts)'
    ])
    const wholeKb = whole.gzip / 1024
    for (const [part, cost] of rows) {
      const kb = Number(cost.replace(' KB', ''))
      expect({ part, positive: kb > 0.1, lessThanWhole: kb < wholeKb }).toEqual({
        part,
        positive: true,
        lessThanWhole: true
      })
    }
  }, 60_000)
})

describe('npm run size: what ./web adds to a page with analytics-next', () => {
  it('should add at most WEB_BAR_BYTES (8 KB) gzip, more than nothing, with no Segment runtime, actions-core or liquidjs', async () => {
    const alone = await page(ANALYTICS_ALONE)
    const web = await page(WITH_WEB)
    const added = web.gzip - alone.gzip
    expect({ added: added > 4 * 1024, withinBar: added <= WEB_BAR_BYTES }).toEqual({ added: true, withinBar: true })
    const ours = Object.keys(web.metafile.inputs).filter((path) => !path.includes('analytics-next'))
    expect(ours.filter((path) => FORBIDDEN_IN_PLUGIN.some((pattern) => pattern.test(path)))).toEqual([])
    expect(ours).toContain('destinations/drift-web/plugin.ts')
  }, 60_000)
})
