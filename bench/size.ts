/**
 * `npm run size`: what each device-mode face costs a page. Builds minified ESM browser bundles with esbuild
 * and prints their gzip sizes:
 * 1. `driftPlugin` (destinations/drift-web/plugin.ts), @segment/analytics-next external. Goal: at most 4 KB
 *    gzip, with no actions-core, liquidjs, zod or cloud settings table inside (checked; the script fails
 *    otherwise).
 * 2. the BrowserDestinationDefinition (destinations/drift-web/destination.ts), Segment's runtime included,
 *    liquidjs replaced by an empty stub as Segment's webpack config does.
 * Then the inputs that cost most in the plugin bundle (minified bytes, before gzip).
 */
import { build, type Metafile, type Plugin } from 'esbuild'
import { join, relative } from 'node:path'
import { gzipSync } from 'node:zlib'

const ROOT = join(__dirname, '..')
const PLUGIN_GOAL_BYTES = 4 * 1024
const FORBIDDEN_IN_PLUGIN = [
  /@segment[\\/]actions-core/,
  /liquidjs/,
  /[\\/]zod[\\/]/,
  /browser-destination-runtime/,
  // The server's settings table: the browser checks only the device one.
  /cloud-settings-rules/
]

/** liquidjs is only needed by mapping-kit's liquid directive, which a browser destination does not use. */
export const liquidStub: Plugin = {
  name: 'liquidjs-stub',
  setup(b) {
    b.onResolve({ filter: /^liquidjs$/ }, () => ({ path: 'liquidjs', namespace: 'stub' }))
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents: 'export class Liquid { parseAndRenderSync() { throw new Error("liquid is not available") } }',
      loader: 'js'
    }))
  }
}

export interface Measured {
  name: string
  /** The bundle's text (tests grep it for secrets). */
  code: string
  minified: number
  gzip: number
  metafile: Metafile
}

/** The mapping core as the plugin uses it (the modules a browser may import), to show its share. */
const CORE_AS_USED = [
  "export { toDriftContactAttributes, toDriftCompanyAttributes } from './shared/contact'",
  "export { toDriftAttributes } from './shared/flatten'",
  "export { guardUserId } from './shared/identity'",
  "export { checkDeviceSettings } from './shared/settings-rules'"
].join('\n')

export async function measure(
  name: string,
  entry: string | { contents: string },
  plugins: Plugin[] = []
): Promise<Measured> {
  const source =
    typeof entry === 'string'
      ? { entryPoints: [join(ROOT, entry)] }
      : { stdin: { contents: entry.contents, resolveDir: ROOT, loader: 'ts' as const } }
  const result = await build({
    ...source,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    external: ['@segment/analytics-next'],
    write: false,
    metafile: true,
    logLevel: 'silent',
    outfile: 'out.js',
    plugins
  })
  const code = result.outputFiles[0].contents
  return {
    name,
    code: Buffer.from(code).toString('utf8'),
    minified: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    metafile: result.metafile
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`

function inputs(metafile: Metafile): Array<[string, number]> {
  const output = Object.values(metafile.outputs)[0]
  return Object.entries(output.inputs)
    .map(([path, info]): [string, number] => [relative(ROOT, join(process.cwd(), path)), info.bytesInOutput])
    .sort((a, b) => b[1] - a[1])
}

async function main(): Promise<void> {
  const plugin = await measure('driftPlugin (analytics-next plugin)', 'destinations/drift-web/plugin.ts')
  const definition = await measure(
    'BrowserDestinationDefinition (runtime incl.)',
    'destinations/drift-web/destination.ts',
    [liquidStub]
  )
  const core = await measure('  of which: the mapping core (shared/)', { contents: CORE_AS_USED })

  const rows = [
    ['bundle', 'minified', 'gzip', 'goal'],
    [plugin.name, kb(plugin.minified), kb(plugin.gzip), `<= ${kb(PLUGIN_GOAL_BYTES)}`],
    [core.name, kb(core.minified), kb(core.gzip), '(measured alone)'],
    [definition.name, kb(definition.minified), kb(definition.gzip), '-']
  ]
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)))
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`
  console.log(line(rows[0]))
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
  rows.slice(1).forEach((row) => console.log(line(row)))

  console.log('\nLargest inputs of the driftPlugin bundle (minified bytes before gzip):')
  for (const [path, bytes] of inputs(plugin.metafile).slice(0, 12))
    console.log(`  ${String(bytes).padStart(6)}  ${path}`)

  const pluginInputs = Object.keys(plugin.metafile.inputs)
  const forbidden = pluginInputs.filter((path) => FORBIDDEN_IN_PLUGIN.some((pattern) => pattern.test(path)))
  let failed = false
  if (forbidden.length > 0) {
    console.error(`\nFAIL: the plugin bundle contains ${forbidden.join(', ')}`)
    failed = true
  } else {
    console.log(
      '\nOK: no actions-core, liquidjs, zod, browser-destination-runtime or cloud settings in the plugin bundle'
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
