/**
 * `npm run size`: what each device-mode face costs a page. Builds minified ESM browser bundles with esbuild
 * and prints their gzip sizes:
 * 1. `driftPlugin` (destinations/drift-web/plugin.ts), @segment/analytics-next external. Goal: at most 4 KB
 *    gzip, with no actions-core, liquidjs, zod or cloud settings table inside (checked; the script fails
 *    otherwise).
 * 2. the BrowserDestinationDefinition (destinations/drift-web/destination.ts), Segment's runtime included,
 *    liquidjs replaced by an empty stub as Segment's webpack config does.
 * Then what each part costs the plugin bundle (its gzip size with the part left out, subtracted from the
 * whole), and the inputs that cost most (minified bytes, before gzip).
 */
import { build } from 'esbuild'
import { gzipSync } from 'node:zlib'
import { inputs, kb, liquidStub, measure, page, stubbing, withoutMessageText, type Measured } from './size-measure'

export { liquidStub, measure, page, type Measured } from './size-measure'

const PLUGIN_GOAL_BYTES = 4 * 1024
export const FORBIDDEN_IN_PLUGIN = [
  /@segment[\\/]actions-core/,
  /liquidjs/,
  /[\\/]zod[\\/]/,
  /browser-destination-runtime/,
  // The server's settings table: the browser checks only the device one.
  /cloud-settings-rules/
]

/** The mapping core as the plugin uses it (the modules a browser may import), to show its share. */
const CORE_AS_USED = [
  "export { toDriftContactAttributes, toDriftCompanyAttributes } from './shared/contact'",
  "export { toDriftAttributes } from './shared/flatten'",
  "export { guardUserId } from './shared/identity'",
  "export { checkDeviceSettings } from './shared/settings-rules'"
].join('\n')

/** Parts of the plugin bundle, each left out by replacing its module with a stub whose main functions do nothing. */
const PARTS: Array<{ part: string; file: string; stub: string }> = [
  {
    part: 'flattening (shared/flatten.ts)',
    file: 'shared/flatten.ts',
    stub: 'export const toDriftAttributes = (a) => ({ attributes: a, warnings: [] })'
  },
  {
    part: 'contact and company mapping (shared/contact.ts)',
    file: 'shared/contact.ts',
    stub:
      'export const toDriftContactAttributes = (a) => ({ attributes: a, warnings: [] })\n' +
      'export const toDriftCompanyAttributes = (i, a) => ({ attributes: a, warnings: [] })'
  },
  {
    part: 'identity guard (shared/identity.ts)',
    file: 'shared/identity.ts',
    stub: 'export const guardUserId = (id) => ({ ok: true, id })'
  },
  {
    part: 'device settings checks (shared/settings-rules.ts)',
    file: 'shared/settings-rules.ts',
    stub: 'export const checkDeviceSettings = (s) => s'
  }
]

/** What each part costs: the plugin's gzip size minus its size without that part. */
export async function partCosts(whole: Measured): Promise<string[][]> {
  const rows: string[][] = []
  const entry = 'destinations/drift-web/plugin.ts'
  for (const part of PARTS) {
    const without = await measure(part.part, entry, [stubbing([part])])
    rows.push([part.part, kb(whole.gzip - without.gzip)])
  }
  const widgetOnly = await measure('widget side', entry, [stubbing(PARTS)])
  rows.push(['the rest: widget side (plugin, controller, loader, stub, widget events)', kb(widgetOnly.gzip)])
  const noText = await measure('message text', entry, [withoutMessageText])
  rows.push(['message text of every warning and error (across all parts)', kb(whole.gzip - noText.gzip)])
  return rows
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)))
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`
  console.log(line(rows[0]))
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
  rows.slice(1).forEach((row) => console.log(line(row)))
}

export const ANALYTICS_ALONE = `import { AnalyticsBrowser } from '@segment/analytics-next'
export const analytics = AnalyticsBrowser.load({ writeKey: 'w' })
analytics.track('Order Completed')`
export const WITH_WEB = `import { AnalyticsBrowser } from '@segment/analytics-next'
import { driftPlugin } from 'drift-analytics-destination/web'
export const analytics = AnalyticsBrowser.load({ writeKey: 'w', plugins: [driftPlugin({ embedId: 'abc' })] })
analytics.track('Order Completed')`
const WITH_DESTINATION = `import { AnalyticsBrowser, type Plugin } from '@segment/analytics-next'
import factory from 'drift-analytics-destination/web/destination'
export const load = async () => AnalyticsBrowser.load({ writeKey: 'w', plugins: ([] as Plugin[]).concat(await factory({ embedId: 'abc' })) })`

/**
 * `./web` must add at most this much (gzip) to a page with analytics-next: a ratchet just above what it weighs
 * today (7.94 KB from source, about 0.02 KB more installed: little margin left). Issue 11 set 12 KB; issue 14 asks
 * for at most 6 KB (goal 4 KB), not reached yet.
 */
export const WEB_BAR_BYTES = 8 * 1024

async function main(): Promise<void> {
  // What each face adds over analytics-next alone: the README quick start, production bundles.
  const { BROWSER_BUILD } = await import('../scripts/build')
  const alone = await page(ANALYTICS_ALONE)
  const web = await page(WITH_WEB)
  const catalog = await page(WITH_DESTINATION)
  const iife = (await build({ ...BROWSER_BUILD, write: false, outfile: 'drift-web.min.js' })).outputFiles[0].contents
  const scriptTag = { minified: iife.length, gzip: gzipSync(iife, { level: 9 }).length }
  const added = (m: { minified: number; gzip: number }, base = alone) => [
    kb(m.minified - base.minified),
    kb(m.gzip - base.gzip)
  ]
  console.log(
    'What each face adds to a page with analytics-next (production esbuild bundles of the README quick start):'
  )
  printTable([
    ['page', 'minified', 'gzip', 'added (minified)', 'added (gzip)'],
    ['analytics-next alone', kb(alone.minified), kb(alone.gzip), '-', '-'],
    ['+ ./web (driftPlugin)', kb(web.minified), kb(web.gzip), ...added(web)],
    ['+ ./web/destination (runtime incl.)', kb(catalog.minified), kb(catalog.gzip), ...added(catalog)],
    ['+ ./browser script tag (separate file)', '-', '-', kb(scriptTag.minified), kb(scriptTag.gzip)]
  ])
  const webAdds = web.gzip - alone.gzip
  console.log(
    `${webAdds <= WEB_BAR_BYTES ? 'OK' : 'OVER'}: ./web adds ${kb(webAdds)} gzip (bar ${kb(WEB_BAR_BYTES)})\n`
  )

  const plugin = await measure('driftPlugin (analytics-next plugin)', 'destinations/drift-web/plugin.ts')
  const definition = await measure(
    'BrowserDestinationDefinition (runtime incl.)',
    'destinations/drift-web/destination.ts',
    [liquidStub]
  )
  const core = await measure('  of which: the mapping core (shared/)', { contents: CORE_AS_USED })

  console.log('The faces alone (analytics-next external):')
  const rows = [
    ['bundle', 'minified', 'gzip', 'goal'],
    [plugin.name, kb(plugin.minified), kb(plugin.gzip), `<= ${kb(PLUGIN_GOAL_BYTES)}`],
    [core.name, kb(core.minified), kb(core.gzip), '(measured alone)'],
    [definition.name, kb(definition.minified), kb(definition.gzip), '-']
  ]
  printTable(rows)

  console.log('\nWhat each part costs the driftPlugin bundle (gzip; the bundle measured with that part left out):')
  printTable([['part', 'gzip'], ...(await partCosts(plugin))])

  console.log('\nLargest inputs of the driftPlugin bundle (minified bytes before gzip):')
  for (const [path, bytes] of inputs(plugin.metafile).slice(0, 12))
    console.log(`  ${String(bytes).padStart(6)}  ${path}`)

  const webInputs = Object.keys(web.metafile.inputs).filter((path) => !path.includes('analytics-next'))
  const forbidden = [...Object.keys(plugin.metafile.inputs), ...webInputs].filter((path) =>
    FORBIDDEN_IN_PLUGIN.some((pattern) => pattern.test(path))
  )
  let failed = webAdds > WEB_BAR_BYTES
  if (forbidden.length > 0) {
    console.error(`\nFAIL: the plugin bundle contains ${[...new Set(forbidden)].join(', ')}`)
    failed = true
  } else {
    console.log(
      '\nOK: no actions-core, liquidjs, zod, browser-destination-runtime or cloud settings in the plugin or ./web bundles'
    )
  }
  const verdict = plugin.gzip <= PLUGIN_GOAL_BYTES ? 'within' : 'OVER'
  console.log(`${verdict} the goal: driftPlugin is ${kb(plugin.gzip)} gzip (goal ${kb(PLUGIN_GOAL_BYTES)})`)
  if (failed) process.exit(1)
}

// Imported by tests for `measure`: run only as a script.
if (require.main === module) {
  main().catch((error) => {
    console.error(error)
    process.exit(1)
  })
}
