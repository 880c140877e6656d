import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { DEFAULT_SANDBOX_TOKEN, startSandbox, type Sandbox } from '../../sandbox'
import { main, packageVersion, type CliIO } from '../index'
import { replay } from '../replay'
import { EXAMPLE, captureStream, exampleExpectations, sandboxPerTest, tempDirPerTest } from './helpers'

// The command as a user meets it: exit codes and their messages, checkpoints per target, input detection,
// help and version, the sandbox subcommand, and a broken pipe.

jest.setTimeout(40_000)

const ROOT = join(__dirname, '..', '..')
const sentTo = (sandbox: Sandbox): number =>
  Object.entries(sandbox.counts())
    .filter(([key]) => key.includes(' ') && key !== 'POST /app/token_info')
    .reduce((sum, [, n]) => sum + n, 0)

function io(env: Record<string, string> = {}): CliIO & { out: () => string; err: () => string } {
  const stdout = captureStream()
  const stderr = captureStream()
  return { stdout, stderr, env, out: stdout.text, err: stderr.text }
}

describe('drift-destination (exit codes and messages)', () => {
  const fx = sandboxPerTest()

  const replayArgs = (input: string, ...more: string[]) => [
    'replay',
    input,
    '--api-base',
    fx.sandbox.url,
    '--rate',
    'off',
    '--rejects',
    fx.tmp.file('rejects.ndjson'),
    '--account-owner-id',
    '7',
    ...more
  ]

  it('should exit 0 when every event is delivered or deliberately skipped, 1 when some are not delivered', async () => {
    const good = fx.tmp.file(
      'good.ndjson',
      [
        { type: 'identify', userId: 'g1', traits: { email: 'g1@example.com' } },
        { type: 'track', userId: 'g1', event: 'Paid' },
        { type: 'alias', userId: 'g1', previousId: 'x' }
      ]
        .map((e) => JSON.stringify(e))
        .join('\n')
    )
    const ok = io({ DRIFT_API_TOKEN: DEFAULT_SANDBOX_TOKEN })
    expect(await main(replayArgs(good, '--no-checkpoint'), ok)).toBe(0)
    expect(ok.out()).toContain('Result: 2 sent · 0 not delivered · 1 skipped')
    expect(ok.out()).toContain('Exit code 0')

    const bad = io({ DRIFT_API_TOKEN: DEFAULT_SANDBOX_TOKEN })
    expect(await main(replayArgs(EXAMPLE, '--no-checkpoint'), bad)).toBe(1)

    // The main job's file (`npm start`): the example's users without its deliberately bad lines, all delivered.
    const clean = io({ DRIFT_API_TOKEN: DEFAULT_SANDBOX_TOKEN })
    expect(await main(replayArgs(join(EXAMPLE, '..', 'clean.ndjson'), '--no-checkpoint'), clean)).toBe(0)
    expect(clean.out()).toContain('Result: 356 sent · 0 not delivered · 0 skipped')
    expect(bad.out()).toMatch(/Result: \d+ sent · 7 not delivered \(4 failed, 3 malformed\) · 1 skipped/)
    expect(bad.out()).toContain('Exit code 1: some events were not delivered')
  })

  it('should exit 2 on a configuration error before any request, naming the flag and the rule', async () => {
    const cases: Array<[string[], string]> = [
      [['--api-base', 'http://example.com'], '--api-base: apiBaseUrl must use https'],
      [['--api-base', 'not a url'], '--api-base'],
      [['--token', 'x'], '--token: too short to be a Drift API token'],
      [['--concurrency', '0'], '--concurrency must be a whole number from 1 to 256 (got "0")'],
      [['--rate', 'fast'], '--rate must look like'],
      [['--deadline', 'soon'], '--deadline must be a duration'],
      [['--bogus'], "error: unknown option '--bogus'"]
    ]
    for (const [flags, message] of cases) {
      const run = io({ DRIFT_API_TOKEN: DEFAULT_SANDBOX_TOKEN })
      expect(await main(['replay', EXAMPLE, ...flags, '--no-checkpoint'], run)).toBe(2)
      expect(run.err()).toContain(message)
      expect(run.err()).not.toContain('Credentials')
    }
    expect(fx.sandbox.counts()['POST /app/token_info'] ?? 0).toBe(0)
    const noInput = io()
    expect(await main(['replay'], noInput)).toBe(2)
    expect(noInput.err()).toContain("missing required argument 'input'")
  })

  it('should exit 3 when the token is refused, naming the target and never the token', async () => {
    const wrong = 'wrong-token-abcdef123456'
    const run = io({ DRIFT_API_TOKEN: wrong })
    expect(await main(replayArgs(EXAMPLE, '--no-checkpoint'), run)).toBe(3)
    expect(run.err()).toContain(`${fx.sandbox.url} refused the token (401)`)
    expect(run.out() + run.err()).not.toContain(wrong)
    expect(sentTo(fx.sandbox)).toBe(0)
  })

  it('should exit 4 within about 10 s when the target cannot be reached, naming the address tried', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number }
        server.close(() => resolve(port))
      })
    })
    const started = Date.now()
    const run = io({ DRIFT_API_TOKEN: DEFAULT_SANDBOX_TOKEN })
    const args = ['replay', EXAMPLE, '--api-base', `http://127.0.0.1:${port}`, '--no-checkpoint']
    expect(await main([...args, '--rejects', fx.tmp.file('r.ndjson')], run)).toBe(4)
    expect(existsSync(fx.tmp.file('r.ndjson'))).toBe(false) // nothing written for a run that never started
    expect(Date.now() - started).toBeLessThan(12_000)
    expect(run.err()).toContain(`could not reach http://127.0.0.1:${port}`)
    expect(run.err()).not.toMatch(/credentials/i)
  })

  it('should stop with exit 2 and one clear message on a JSON array, binary data or a file with no event', async () => {
    const array = fx.tmp.file('array.json', JSON.stringify([{ type: 'track', userId: 'a', event: 'x' }], null, 2))
    const binary = fx.tmp.file('binary.ndjson')
    writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x1b, 0x5b, 0x32]))
    const csv = fx.tmp.file('users.csv', 'id,email\n1,a@example.com\n2,b@example.com\n')
    const empty = fx.tmp.file('empty.ndjson', '')
    const cases: Array<[string, string]> = [
      [array, `is a JSON array; replay reads NDJSON, one event per line. Convert it with:\n  jq -c '.[]' ${array}`],
      [binary, 'is not text (binary data)'],
      [csv, 'no line of'],
      [empty, 'is empty: nothing to replay'],
      [fx.tmp.file('missing.ndjson'), 'cannot read']
    ]
    for (const [file, message] of cases) {
      const run = io({ DRIFT_API_TOKEN: DEFAULT_SANDBOX_TOKEN })
      expect(await main(replayArgs(file), run)).toBe(2)
      expect(run.err()).toContain(message)
      expect(
        run
          .err()
          .split('\n')
          .filter((l) => l.startsWith('drift-destination:'))
      ).toHaveLength(1)
      // Never echo raw binary (no NUL, no escape sequences from the file).
      // eslint-disable-next-line no-control-regex
      expect(run.err()).not.toMatch(/[\u0000\u001b]/)
    }
    expect(fx.sandbox.counts()['POST /app/token_info'] ?? 0).toBe(0)
    expect(existsSync(fx.tmp.file('rejects.ndjson'))).toBe(false)
  })

  it('should group reasons by cause, with ids replaced by a placeholder, a count and the first lines', async () => {
    const lines = Array.from({ length: 15 }, (_, i) =>
      JSON.stringify({ type: 'identify', userId: `no-email-${i + 1}`, traits: { name: 'x' } })
    )
    const run = io({ DRIFT_API_TOKEN: DEFAULT_SANDBOX_TOKEN })
    expect(await main(replayArgs(fx.tmp.file('no-email.ndjson', lines.join('\n')), '--no-checkpoint'), run)).toBe(1)
    const reasonLines = run
      .out()
      .split('\n')
      .filter((l) => l.includes('failed identify:'))
    expect(reasonLines).toHaveLength(1)
    expect(reasonLines[0]).toMatch(/^\s+15 {2}failed identify: .*"<id>".*\(line 1, 2, 3, 4, 5, …\)$/)
  })
})

describe('drift-destination replay: checkpoints per target', () => {
  const fx = tempDirPerTest()

  it('should send every event to a second target after a first one, and skip what a target acknowledged', async () => {
    const input = join(fx.tmp.dir, 'events.ndjson')
    copyFileSync(EXAMPLE, input)
    const expected = exampleExpectations()
    const first = await startSandbox({ rateLimit: false })
    const second = await startSandbox({ rateLimit: false })
    try {
      const to = (sandbox: Sandbox) =>
        replay({
          input,
          apiBase: sandbox.url,
          token: DEFAULT_SANDBOX_TOKEN,
          rate: null,
          settings: { accountOwnerId: '7' },
          progressStream: captureStream()
        })
      const a = (await to(first)).summary
      expect(a.totals.sent).toBe(expected.deliverable)
      const b = (await to(second)).summary
      // The second target gets everything: its checkpoint is its own.
      expect(b.lines.alreadyDone).toBe(0)
      expect(b.totals.sent).toBe(expected.deliverable)
      expect(second.state.contacts).toHaveLength(expected.users)
      expect(b.checkpoint).not.toBe(a.checkpoint)
      // Replaying to the first target again sends nothing new: every line was finished there.
      const requestsBefore = first.counts()['POST /contacts/timeline'] ?? 0
      const again = (await to(first)).summary
      expect(again.lines.alreadyDone).toBe(again.lines.read)
      expect(first.counts()['POST /contacts/timeline'] ?? 0).toBe(requestsBefore)
      // Neither checkpoint holds the token.
      const files = readdirSync(fx.tmp.dir).filter((f) => f.includes('.checkpoint.'))
      expect(files).toHaveLength(2)
      for (const f of files) expect(readFileSync(join(fx.tmp.dir, f), 'utf8')).not.toContain(DEFAULT_SANDBOX_TOKEN)
    } finally {
      await first.close()
      await second.close()
    }
  })
})

describe('drift-destination help, version and sandbox', () => {
  it('should print the version and help at every level', async () => {
    for (const args of [['--version'], ['replay', '--version'], ['sandbox', '--version']]) {
      const run = io()
      expect(await main(args, run)).toBe(0)
      expect(run.out().trim()).toBe(packageVersion())
    }
    for (const [args, text] of [
      [['--help'], 'Exit codes:'],
      [['replay', '--help'], '--api-base <url>'],
      [['sandbox', '--help'], '--state <file>']
    ] as Array<[string[], string]>) {
      const run = io()
      expect(await main(args, run)).toBe(0)
      expect(run.out()).toContain(text)
    }
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('should serve the sandbox, print its URL and the token to use, and stop on interrupt', async () => {
    const controller = new AbortController()
    const run = { ...io(), signal: controller.signal }
    const done = main(['sandbox', '--port', '0'], run)
    while (!run.out().includes('Press Ctrl-C')) await new Promise((r) => setTimeout(r, 20))
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.out())?.[1] as string
    expect(run.out()).toContain(`token to use (all scopes):   ${DEFAULT_SANDBOX_TOKEN}`)
    expect((await fetch(`${url}/`)).status).toBe(200)
    controller.abort()
    expect(await done).toBe(0)
  })
})

describe('drift-destination (process)', () => {
  it('should end quietly with exit 0 when stdout is closed early (| head)', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'cli/bin.ts', 'replay', EXAMPLE, '--dry-run', '--quiet'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe']
      }
    )
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()))
    child.stdout.destroy()
    expect(await exit).toBe(0)
    expect(stderr).not.toMatch(/EPIPE|Error:|\n\s+at /)
  })
})
