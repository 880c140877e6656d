/**
 * `npm run build` (also `prepack`): the package as npm ships it, in dist/.
 * - ESM (.mjs, .d.mts) and CommonJS (.js, .d.ts) of `./web`, `./web/destination`, `./shared`, `./cloud` (tsup), so
 *   bundlers can shake the ESM and Node's `require` and `import` both get real named and default exports.
 * - `./cloud`: CommonJS, plus an ESM file that imports it. actions-core cannot be loaded as native ESM
 *   (ERR_UNSUPPORTED_DIR_IMPORT), and one instance means one set of caches whichever way a consumer loads it.
 * - `./browser`: dist/browser/drift-web.min.js, an IIFE with the global `DriftWeb`, for pages without a bundler.
 * - the `drift-destination` bin: cli/bin.ts bundled with the sandbox and fastify (dev dependencies), so it
 *   needs no repository path and consumers do not install a web server; the package's dependencies stay
 *   external.
 */
import { build as esbuild, type BuildOptions } from 'esbuild'
import { chmodSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'tsup'

const ROOT = join(__dirname, '..')
const DIST = join(ROOT, 'dist')

/** The script-tag build; `npm run size` measures the same options. */
export const BROWSER_BUILD: BuildOptions = {
  entryPoints: [join(ROOT, 'destinations/drift-web/index.ts')],
  bundle: true,
  minify: true,
  format: 'iife',
  globalName: 'DriftWeb',
  platform: 'browser',
  target: 'es2018',
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'none'
}

const common = { tsconfig: join(ROOT, 'tsconfig.build.json'), silent: true, clean: false, target: 'es2020' } as const

async function main(): Promise<void> {
  rmSync(DIST, { recursive: true, force: true })

  await build({
    ...common,
    entry: {
      'web/index': 'destinations/drift-web/index.ts',
      'web/destination': 'destinations/drift-web/destination-entry.ts',
      'shared/index': 'shared/index.ts',
      'cloud/index': 'destinations/drift/index.ts'
    },
    format: ['cjs', 'esm'],
    platform: 'node',
    dts: true
  })

  writeCloudEsm()

  await esbuild({ ...BROWSER_BUILD, outfile: join(DIST, 'browser/drift-web.min.js') })
  writeFileSync(
    join(DIST, 'browser/drift-web.min.d.ts'),
    [
      '// The script-tag build defines the global `DriftWeb` (the `./web` entry); it exports nothing.',
      "import type * as Web from '../web/index.js'",
      'declare global {',
      '  var DriftWeb: typeof Web',
      '}',
      'export {}',
      ''
    ].join('\n')
  )

  await build({
    ...common,
    entry: { 'cli/bin': 'cli/bin.ts' },
    format: ['cjs'],
    platform: 'node',
    target: 'node20',
    dts: false
  })
  chmodSync(join(DIST, 'cli/bin.js'), 0o755)
}

/**
 * Replaces the ESM build of `./cloud` with a file that re-exports its CommonJS build by name (the names read from
 * the built module); its types (index.d.mts) stay as tsup generated them.
 */
function writeCloudEsm(): void {
  const cjsFile = join(DIST, 'cloud/index.js')
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const names = Object.keys(require(cjsFile) as object).filter((name) => name !== 'default' && name !== '__esModule')
  writeFileSync(
    join(DIST, 'cloud/index.mjs'),
    [
      '// ESM face of the CommonJS build: actions-core only loads as CommonJS, and one instance keeps one cache.',
      "import cjs from './index.js'",
      `export const { ${names.join(', ')} } = cjs`,
      'export default cjs.default',
      ''
    ].join('\n')
  )
}

// `npm run size` imports BROWSER_BUILD: build only when run as a script.
if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
}
