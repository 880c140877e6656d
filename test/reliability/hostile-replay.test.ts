import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { replay } from '../../cli/replay'
import { DEFAULT_SANDBOX_TOKEN, startSandbox, type Sandbox } from '../../sandbox'
import { MB, heapAfterGc } from '../hostile/memory'
import { FIELD_NAMES, writeHostileNdjson, type CorpusLine } from '../hostile/ndjson'

// The hostile corpus as one NDJSON file (raw invalid UTF-8 and malformed lines included) through the replay
// command, in process and as the `drift-destination` process: every line is delivered or in the rejects file
// with a reason naming the field, the run completes, and memory stays bounded.

jest.setTimeout(60_000)

const ROOT = join(__dirname, '..', '..')

let sandbox: Sandbox
let dir: string
let input: string
let lines: CorpusLine[]

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'drift-hostile-'))
  input = join(dir, 'hostile.ndjson')
  lines = writeHostileNdjson(input)
  sandbox = await startSandbox({ rateLimit: false })
})
afterAll(async () => {
  await sandbox.close()
  rmSync(dir, { recursive: true, force: true })
})

const readRejects = (file: string): Array<Record<string, unknown>> =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)

const quiet = { write: () => true, isTTY: false }

function run(name: string) {
  return replay({
    input,
    apiBase: sandbox.url,
    token: DEFAULT_SANDBOX_TOKEN,
    rate: null,
    settings: { accountOwnerId: '7' },
    checkpoint: false,
    rejects: join(dir, `${name}.rejects.ndjson`),
    backoff: { baseMs: 5, maxMs: 20 },
    progressStream: quiet
  })
}

describe('hostile NDJSON through the replay command', () => {
  it('delivers or rejects every line with a reason naming the field; nothing lost, nothing thrown', async () => {
    const { summary } = await run('first')
    const rejects = readRejects(join(dir, 'first.rejects.ndjson'))
    const byLine = new Map(rejects.map((r) => [r.line as number, r]))

    expect(summary.complete).toBe(true)
    expect(rejects.length).toBe(byLine.size) // one reject per line at most
    // Nothing silently dropped: every line is delivered or rejected.
    expect(summary.totals.sent + rejects.length).toBe(lines.length)

    for (const entry of lines) {
      const reject = byLine.get(entry.line)
      if (entry.kind === 'raw') {
        if (entry.expect === 'malformed') {
          expect({ name: entry.name, outcome: reject?.outcome }).toEqual({ name: entry.name, outcome: 'malformed' })
          expect(String(reject?.reason)).toMatch(/not valid JSON|not a JSON object|missing "type"/)
        } else {
          expect({ name: entry.name, reject }).toEqual({ name: entry.name, reject: undefined })
        }
        continue
      }
      if (reject === undefined) continue // delivered
      expect(typeof reject.reason).toBe('string')
      expect({ name: entry.entry.name, reason: reject.reason }).toEqual({
        name: entry.entry.name,
        reason: expect.stringMatching(FIELD_NAMES[entry.entry.field] ?? new RegExp(entry.entry.field, 'i'))
      })
      expect(['invalid', 'failed', 'skipped', 'malformed']).toContain(reject.outcome)
    }
    // Invalid UTF-8 bytes inside an event are decoded as U+FFFD; the event is still delivered.
    expect(sandbox.state.timeline.some((t) => t.event === 'Bytes \ufffd\ufffd(')).toBe(true)
  })

  it('keeps memory bounded when the file is replayed again and again', async () => {
    await run('warm')
    const start = heapAfterGc()
    for (let i = 0; i < 3; i++) {
      sandbox.reset()
      await run(`again-${i}`)
    }
    expect(heapAfterGc() - start).toBeLessThan(30 * MB)
  })

  it('as a process: exits 0 with a summary and names the malformed lines on stderr', async () => {
    const rejects = join(dir, 'process.rejects.ndjson')
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'cli/bin.ts', 'replay', input, '--api-base', sandbox.url, '--rate', 'off', '--quiet'].concat([
        '--account-owner-id',
        '7',
        '--no-checkpoint',
        '--rejects',
        rejects
      ]),
      {
        cwd: ROOT,
        env: { ...process.env, DRIFT_API_TOKEN: DEFAULT_SANDBOX_TOKEN },
        stdio: ['ignore', 'pipe', 'pipe']
      }
    )
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code).toBe(0)
    for (const entry of lines.filter((l) => l.kind === 'raw' && l.expect === 'malformed')) {
      expect(err).toContain(`line ${entry.line}:`)
    }
    expect(out).toMatch(/Replay done/)
    expect(out + err).not.toContain(DEFAULT_SANDBOX_TOKEN)
  })
})
