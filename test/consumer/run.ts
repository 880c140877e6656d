/**
 * `npm run test:consumer`: the package as a team installs it. Packs the tarball (prepack builds), installs it
 * into a fresh temporary app (no overrides; npm resolves from the registry or its cache), then checks every
 * entry by `require` and `import`, types under moduleResolution node16 and bundler, the installed
 * `drift-destination replay` into its embedded sandbox, publint and arethetypeswrong on the tarball, the
 * README/docs code blocks against the installed package, and runs the quick starts (jsdom, sandbox).
 */
import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ANALYTICS_ALONE, FORBIDDEN_IN_PLUGIN, WEB_BAR_BYTES, WITH_WEB, page } from '../../bench/size'
import { allSnippets } from './snippets'
import { runQuickStarts } from './quick-starts'

/** Texts of development builds only (a mapping warning, a widget warning), never in a production bundle. */
const DEV_ONLY_TEXTS = ['is not JSON data', 'calls are already waiting for the Drift widget']

const ROOT = join(__dirname, '..', '..')
const BIN = join(ROOT, 'node_modules', '.bin')
const results: Array<{ step: string; ok: boolean; detail: string }> = []

function run(cmd: string, args: string[], cwd: string, timeoutMs = 240_000) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, CI: 'true' } })
  return {
    code: r.status ?? 1,
    stdout: r.stdout ?? '',
    out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`
  }
}

async function step(name: string, check: () => string | Promise<string>): Promise<void> {
  const started = Date.now()
  try {
    const detail = await check()
    results.push({ step: name, ok: true, detail })
    console.log(`ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)${detail ? `: ${detail}` : ''}`)
  } catch (error) {
    results.push({ step: name, ok: false, detail: (error as Error).message })
    console.log(`FAIL ${name}: ${(error as Error).message}`)
  }
}

function mustPass(r: { code: number; out: string }, what: string): string {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}\n${r.out.slice(-4000)}`)
  return r.out
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'drift-consumer-'))
  const app = join(work, 'app')
  let tarball = ''
  try {
    await step('npm pack (prepack builds dist/)', () => {
      const r = run('npm', ['pack', '--pack-destination', work, '--json'], ROOT, 400_000)
      mustPass(r, 'npm pack')
      const info = JSON.parse(r.stdout.slice(r.stdout.lastIndexOf('[\n  {')).trim()) as Array<{
        filename: string
        files: unknown[]
      }>
      tarball = join(work, info[0].filename)
      return `${info[0].files.length} files`
    })
    if (!tarball) throw new Error('no tarball')

    await step('install the tarball into a fresh app (no overrides)', () => {
      cpSync(join(__dirname, 'app'), app, { recursive: true })
      // Kept as .txt in the repository so the repository's own tsc does not check it against a package not installed.
      renameSync(join(app, 'consumer.ts.txt'), join(app, 'consumer.ts'))
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer-app', private: true }, null, 2))
      const out = mustPass(
        run(
          'npm',
          // What the README's snippets import besides this package (the consent example uses Segment's consent tools).
          [
            'install',
            tarball,
            '@segment/analytics-next@1.84.3',
            '@segment/actions-core@3.170.0',
            '@segment/analytics-consent-tools@2.0.3',
            '@types/node@20'
          ],
          app
        ),
        'npm install'
      )
      if (/EBADENGINE/.test(out)) throw new Error(`npm install warned EBADENGINE:\n${out}`)
      const fastUri = run('npm', ['ls', 'fast-uri', '--all'], app).out.match(/fast-uri@[\d.]+/g) ?? []
      return `no EBADENGINE; ${[...new Set(fastUri)].join(', ') || 'no fast-uri'}`
    })

    await step('CommonJS require of every entry', () => mustPass(run('node', ['require.cjs'], app), 'require').trim())
    await step('ESM import of every entry', () => mustPass(run('node', ['import.mjs'], app), 'import').trim())
    for (const config of ['node16', 'bundler']) {
      await step(`tsc --noEmit, moduleResolution ${config}`, () => {
        mustPass(run(join(BIN, 'tsc'), ['-p', `tsconfig.${config}.json`], app), 'tsc')
        return ''
      })
    }

    await step('installed drift-destination replay --sandbox', () => {
      const r = run(
        join(app, 'node_modules', '.bin', 'drift-destination'),
        ['replay', 'events.ndjson', '--sandbox'],
        app
      )
      const out = mustPass(r, 'drift-destination replay')
      const failed = [...out.matchAll(/^(identify|track|page|group)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/gm)]
      if (failed.length !== 4) throw new Error(`summary not found:\n${out}`)
      const failures = failed.reduce((n, m) => n + Number(m[4]), 0)
      const sent = failed.reduce((n, m) => n + Number(m[2]), 0)
      if (failures !== 0 || sent !== 4) throw new Error(`expected 4 sent, 0 failed:\n${out}`)
      return `${sent} sent, 0 failed, exit 0`
    })

    await step('publint --strict (tarball)', () => {
      mustPass(run(join(BIN, 'publint'), ['--strict', tarball], ROOT), 'publint')
      return ''
    })
    await step('attw --profile node16 (tarball)', () => {
      mustPass(run(join(BIN, 'attw'), ['--profile', 'node16', tarball], ROOT), 'attw')
      return ''
    })

    await step('README and docs code blocks type-check against the package', () => {
      const snippets = allSnippets(ROOT)
      const dir = join(app, 'snippets')
      mkdirSync(dir)
      const checked = snippets.filter((s) => !s.skipped)
      checked.forEach((s, i) => {
        const name = `${s.where.replace(/[^\w]+/g, '_')}.${s.lang === 'ts' ? 'mts' : 'mjs'}`
        writeFileSync(join(dir, `${String(i).padStart(2, '0')}_${name}`), `${s.code}\nexport {}\n`)
      })
      writeFileSync(
        join(app, 'tsconfig.snippets.json'),
        JSON.stringify({
          extends: './tsconfig.bundler.json',
          compilerOptions: { allowJs: true, checkJs: true, types: ['node'] },
          files: undefined,
          include: ['snippets']
        })
      )
      mustPass(run(join(BIN, 'tsc'), ['-p', 'tsconfig.snippets.json'], app), 'tsc (snippets)')
      const skipped = snippets.filter((s) => s.skipped).map((s) => s.where)
      return `${checked.length} checked (${readdirSync(dir).length} files), ${skipped.length} marked not runnable (${skipped.join(', ')})`
    })

    await step(
      `./web from the installed package: production bundle adds <= ${WEB_BAR_BYTES / 1024} KB gzip over analytics-next`,
      async () => {
        const alone = await page(ANALYTICS_ALONE, app)
        const web = await page(WITH_WEB, app)
        const added = web.gzip - alone.gzip
        const forbidden = Object.keys(web.metafile.inputs).filter((path) =>
          FORBIDDEN_IN_PLUGIN.some((p) => p.test(path))
        )
        if (forbidden.length > 0) throw new Error(`the ./web bundle contains ${forbidden.join(', ')}`)
        // Warning texts are for development builds: the installed package must let the bundler fold them away.
        const devTexts = DEV_ONLY_TEXTS.filter((text) => web.code.includes(text))
        if (devTexts.length > 0)
          throw new Error(`the production ./web bundle keeps development texts: ${devTexts.join(', ')}`)
        if (added > WEB_BAR_BYTES)
          throw new Error(`./web adds ${(added / 1024).toFixed(2)} KB gzip (bar ${WEB_BAR_BYTES / 1024} KB)`)
        return `adds ${(added / 1024).toFixed(2)} KB gzip`
      }
    )

    await step('quick starts executed (jsdom, embedded sandbox)', () => runQuickStarts(app))
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  const failed = results.filter((r) => !r.ok).length
  console.log(`\nconsumer: ${results.length - failed} passed, ${failed} failed`)
  process.exitCode = failed === 0 && results.length > 0 ? 0 : 1
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
