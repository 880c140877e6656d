/**
 * Runs the README's quick starts against the installed package: the browser ones bundled (esbuild, from the
 * app's node_modules) and run in jsdom, with Drift's widget script and its reports served by the sandbox on
 * 127.0.0.1 and Segment's settings answered in the page (nothing leaves the machine); the cloud one in Node
 * against the sandbox's API.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'
import { JSDOM, ResourceLoader, type FetchOptions } from 'jsdom'
import { DEFAULT_SANDBOX_TOKEN, startSandbox, type Sandbox } from '../../sandbox'
import { allSnippets, type Snippet } from './snippets'

const ROOT = join(__dirname, '..', '..')

function quickStart(heading: string): Snippet {
  const found = allSnippets(ROOT).filter((s) => s.heading === heading && !s.skipped)
  if (found.length !== 1) throw new Error(`expected one code block under "${heading}", found ${found.length}`)
  return found[0]
}

/** Imports stay at the top; the rest runs in an async function (top-level await, no module scripts in jsdom). */
function asScript(code: string): string {
  const lines = code.split('\n')
  const imports = lines.filter((line) => /^import /.test(line))
  const body = lines.filter((line) => !/^import /.test(line)).map((line) => line.replace(/^export /, ''))
  return `${imports.join('\n')}\n;(globalThis as any).__quickStart = (async () => {\n${body.join('\n')}\n})()\n`
}

async function bundle(app: string, code: string, platform: 'browser' | 'node' = 'browser'): Promise<string> {
  const result = await build({
    stdin: { contents: asScript(code), resolveDir: app, loader: 'ts' },
    bundle: true,
    // Node: as TypeScript compiled to CommonJS runs it (actions-core only loads as CommonJS).
    ...(platform === 'node' ? { format: 'cjs', packages: 'external' } : { format: 'iife' }),
    platform,
    target: 'es2020',
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    logLevel: 'silent'
  })
  return result.outputFiles[0].text
}

/** Sends Drift's widget script URL to the sandbox; any other address is refused (no request leaves the machine). */
class SandboxLoader extends ResourceLoader {
  constructor(private readonly sandbox: Sandbox) {
    super()
  }
  override fetch(url: string, options: FetchOptions) {
    const widget = /^https:\/\/js\.driftt\.com(\/include\/.*)$/.exec(url)
    if (!widget) return null
    return super.fetch(`${this.sandbox.url}${widget[1]}`, options)
  }
}

async function runInPage(sandbox: Sandbox, script: string, expected: readonly string[]): Promise<string[]> {
  const dom = new JSDOM('<!doctype html><html><head><script></script></head><body></body></html>', {
    url: 'https://shop.example.com/',
    runScripts: 'dangerously',
    resources: new SandboxLoader(sandbox)
  })
  const win = dom.window as unknown as Record<string, unknown>
  const refused: string[] = []
  // Segment's settings come from the page; the widget's reports go to the sandbox; anything else is refused.
  win.fetch = async (input: string, init?: RequestInit) => {
    const url = String(input)
    if (url.startsWith(sandbox.url)) return fetch(url, init)
    if (/\/v1\/projects\/[^/]+\/settings$/.test(url)) {
      return new Response(JSON.stringify({ integrations: {} }), { headers: { 'content-type': 'application/json' } })
    }
    refused.push(url)
    return new Response('{}', { status: 200 })
  }
  try {
    dom.window.eval(script)
    await (win.__quickStart as Promise<unknown>)
    const deadline = Date.now() + 10_000
    const methods = () => sandbox.state.widgetCalls.map((call) => call.method)
    while (Date.now() < deadline && !expected.every((m) => methods().includes(m))) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    return methods()
  } finally {
    dom.window.close()
  }
}

export async function runQuickStarts(app: string): Promise<string> {
  const sandbox = await startSandbox({ widgetReadyDelayMs: 10 })
  const done: string[] = []
  try {
    for (const [heading, expected] of [
      ['Quick start: the plugin', ['identify', 'track', 'page']],
      ['Quick start: the browser destination', ['track']]
    ] as const) {
      sandbox.reset()
      const methods = await runInPage(sandbox, await bundle(app, quickStart(heading).code), expected)
      const missing = expected.filter((m) => !methods.includes(m))
      if (missing.length > 0) throw new Error(`${heading}: the widget received ${methods.join(', ')}; no ${missing}`)
      done.push(`${heading.replace('Quick start: ', '')} (widget got ${[...new Set(methods)].join(', ')})`)
    }

    sandbox.reset()
    const cloud = join(app, 'cloud-quick-start.cjs')
    const code = await bundle(app, quickStart('Quick start').code, 'node')
    writeFileSync(cloud, `${code}\nglobalThis.__quickStart.catch((e) => { console.error(e); process.exit(1) })\n`)
    // Asynchronous: the sandbox answers from this process.
    await promisify(execFile)(process.execPath, [cloud], {
      cwd: app,
      timeout: 60_000,
      env: { ...process.env, DRIFT_TOKEN: DEFAULT_SANDBOX_TOKEN, DRIFT_API_BASE_URL: sandbox.url }
    }).catch((error: Error & { stderr?: string }) => {
      throw new Error(`cloud quick start failed: ${error.message} ${error.stderr ?? ''}`)
    })
    const contact = sandbox.state.contacts.find((c) => c.attributes.email === 'ada@example.com')
    if (!contact || sandbox.state.timeline.length !== 1) {
      throw new Error(
        `cloud quick start: the sandbox has ${sandbox.state.contacts.length} contacts, ${sandbox.state.timeline.length} timeline events`
      )
    }
    done.push('cloud (sandbox got the contact and the event)')
  } finally {
    await sandbox.close()
  }
  return done.join('; ')
}
