import { build, type Metafile, type Plugin } from 'esbuild'
import { readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { gzipSync } from 'node:zlib'
import * as ts from 'typescript'

// How bench/size.ts measures: minified esbuild browser bundles and their gzip sizes, with esbuild plugins that
// leave a part out (a module replaced by a stub) or cut the text of every message.

const ROOT = join(__dirname, '..')

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

/**
 * A production bundle (NODE_ENV=production) of a page, analytics-next bundled in. From the repository (the
 * default), our entries resolve to their sources; from an app's folder (the consumer test), to the installed package.
 */
export async function page(contents: string, resolveDir = ROOT): Promise<Measured> {
  const result = await build({
    stdin: { contents, resolveDir, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    define: { 'process.env.NODE_ENV': '"production"' },
    alias:
      resolveDir === ROOT
        ? {
            'drift-analytics-destination/web/destination': './destinations/drift-web/destination-entry.ts',
            'drift-analytics-destination/web': './destinations/drift-web/index.ts'
          }
        : undefined,
    write: false,
    metafile: true,
    logLevel: 'silent',
    outfile: 'out.js',
    plugins: [liquidStub]
  })
  const output = result.outputFiles[0]
  return {
    name: '',
    code: output.text,
    minified: output.contents.length,
    gzip: gzipSync(output.contents, { level: 9 }).length,
    metafile: result.metafile
  }
}

/**
 * Loads each stubbed file as its stub, the module's other value exports as `undefined` (the stubbed bundles are
 * only measured, never run), so the whole module leaves the bundle and a new export needs no change here.
 */
export function stubbing(parts: ReadonlyArray<{ file: string; stub: string }>): Plugin {
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
export const withoutMessageText: Plugin = {
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

export const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`

export function inputs(metafile: Metafile): Array<[string, number]> {
  const output = Object.values(metafile.outputs)[0]
  return Object.entries(output.inputs)
    .map(([path, info]): [string, number] => [relative(ROOT, join(process.cwd(), path)), info.bytesInOutput])
    .sort((a, b) => b[1] - a[1])
}
