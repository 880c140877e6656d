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
import { build, type Metafile, type Plugin } from 'esbuild'
import { readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { gzipSync } from 'node:zlib'
import * as ts from 'typescript'

const ROOT = join(__dirname, '..')
const PLUGIN_GOAL_BYTES = 4 * 1024
export const FORBIDDEN_IN_PLUGIN = [
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

/**
 * Loads each stubbed file as its stub, the module's other value exports as `undefined` (the stubbed bundles are
 * only measured, never run), so the whole module leaves the bundle and a new export needs no change here.
 */
function stubbing(parts: ReadonlyArray<{ file: string; stub: string }>): Plugin {
  return {
    name: 'stub-parts',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        const part = parts.find((p) => join(ROOT, p.file) === args.path)
        if (!part) return undefined
        const stubbed = new Set([...part.stub.matchAll(/export const (\w+)/g)].map((m) => m[1]))
        const rest = valueExports(args.path).filter((name) => !stubbed.has(name))
        return {
          contents: [part.stub, ...rest.map((name) => `export const ${name} = undefined`)].join('\n'),
          loader: 'js'
        }
      })
    }
  }
}

/** The names of a module's exported functions, classes and variables (not its types). */
function valueExports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
  const names: string[] = []
  for (const statement of source.statements) {
    // `export { a, b } from './x'`: re-exported values (not types) count too.
    if (ts.isExportDeclaration(statement) && !statement.isTypeOnly && statement.exportClause) {
      if (ts.isNamedExports(statement.exportClause)) {
        for (const element of statement.exportClause.elements) if (!element.isTypeOnly) names.push(element.name.text)
      }
      continue
    }
    if (!ts.getModifiers(statement as ts.HasModifiers)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) names.push(declaration.name.getText())
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) {
      names.push(statement.name.text)
    }
  }
  return names
}

/** Our sources with the text of every message (string and template text with a space) cut to nothing. */
const withoutMessageText: Plugin = {
  name: 'without-message-text',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) =>
      args.path.includes('node_modules')
        ? undefined
        : { contents: stripMessages(readFileSync(args.path, 'utf8'), args.path), loader: 'ts' }
    )
  }
}

function stripMessages(source: string, file: string): string {
  const edits: Array<[number, number, string]> = []
  // Template text is cut part by part (head `text${, middle }text${, tail }text`), so the expressions stay.
  const templateEmpty: Partial<Record<ts.SyntaxKind, string>> = {
    [ts.SyntaxKind.TemplateHead]: '`${',
    [ts.SyntaxKind.TemplateMiddle]: '}${',
    [ts.SyntaxKind.TemplateTail]: '}`'
  }
  const visit = (node: ts.Node): void => {
    const empty = ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) ? "''" : templateEmpty[node.kind]
    if (empty !== undefined && / /.test((node as ts.LiteralLikeNode).text)) {
      edits.push([node.getStart(), node.getEnd(), empty])
    }
    ts.forEachChild(node, visit)
  }
  visit(ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true))
  for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0])) {
    source = source.slice(0, start) + text + source.slice(end)
  }
  return source
}

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

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`

function inputs(metafile: Metafile): Array<[string, number]> {
  const output = Object.values(metafile.outputs)[0]
  return Object.entries(output.inputs)
    .map(([path, info]): [string, number] => [relative(ROOT, join(process.cwd(), path)), info.bytesInOutput])
    .sort((a, b) => b[1] - a[1])
}

/** Production bundles (NODE_ENV=production) of a page: analytics-next bundled in, our entries from source. */
export async function page(contents: string): Promise<Measured> {
  const result = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    define: { 'process.env.NODE_ENV': '"production"' },
    alias: {
      'drift-analytics-destination/web/destination': './destinations/drift-web/destination-entry.ts',
      'drift-analytics-destination/web': './destinations/drift-web/index.ts'
    },
    write: false,
    metafile: true,
    logLevel: 'silent',
    outfile: 'out.js',
    plugins: [liquidStub]
  })
  const code = result.outputFiles[0].contents
  return {
    name: '',
    code: '',
    minified: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    metafile: result.metafile
  }
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

/** `./web` must add at most this much (gzip) to a page with analytics-next (issue 11). */
export const WEB_BAR_BYTES = 12 * 1024

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
