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

/** A line's event as the replay reads it: the file's bytes as UTF-8 (invalid bytes become U+FFFD), then JSON. */
function eventsByLine(file: string): Map<number, Record<string, unknown>> {
  const out = new Map<number, Record<string, unknown>>()
  readFileSync(file)
    .toString('utf8')
    .split('\n')
    .forEach((text, i) => {
      try {
        const value: unknown = JSON.parse(text)
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
          out.set(i + 1, value as Record<string, unknown>)
        }
      } catch {
        // A malformed line: it must be in the rejects file.
      }
    })
  return out
}

const record = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {}

/**
 * Whether the sandbox holds what one line asks for. Every line of the corpus has a user id or email of its own, so
 * its contact (and, for track and page, a timeline event on that contact) or its account tells it apart from the rest.
 */
function heldBy(sandbox: Sandbox, event: Record<string, unknown>): boolean {
  const { contacts, timeline, accounts } = sandbox.state
  const traits = event.type === 'identify' ? record(event.traits) : record(record(event.context).traits)
  const id = event.userId === undefined || event.userId === null ? '' : String(event.userId as string)
  const contact =
    (id !== '' && contacts.find((c) => c.attributes.externalId === id)) ||
    (typeof traits.email === 'string' && contacts.find((c) => c.attributes.email === traits.email))
  switch (event.type) {
    case 'identify':
      return Boolean(contact)
    case 'track':
    case 'page':
    case 'screen':
      return Boolean(contact) && timeline.some((t) => contact && t.contactId === contact.id)
    case 'group': {
      const groupTraits = record(event.traits)
      const site = String((groupTraits.domain ?? groupTraits.website ?? '') as string)
      const host = site
        .replace(/^[a-z]+:\/\//i, '')
        .split('/')[0]
        .toLowerCase()
      return host !== '' && accounts.some((a) => a.domain === host)
    }
    default:
      return false
  }
}

describe('hostile NDJSON through the replay command', () => {
  it('delivers or rejects every line with a reason naming the field; nothing lost, nothing thrown', async () => {
    sandbox.reset()
    const { summary } = await run('first')
    const rejects = readRejects(join(dir, 'first.rejects.ndjson'))
    const byLine = new Map(rejects.map((r) => [r.line as number, r]))

    expect(summary.complete).toBe(true)
    expect(rejects.length).toBe(byLine.size) // one reject per line at most
    expect(summary.totals.sent + rejects.length).toBe(lines.length)
    // Nothing silently dropped, by what Drift holds rather than by the replay's own count: every line is in the
    // sandbox or in the rejects file with a reason.
    const events = eventsByLine(input)
    const lost = lines
      .filter((entry) => !byLine.has(entry.line))
      .filter((entry) => {
        const event = events.get(entry.line)
        return event === undefined || !heldBy(sandbox, event)
      })
      .map((entry) => `line ${entry.line}: ${entry.kind === 'raw' ? entry.name : entry.entry.name}`)
    expect(lost).toEqual([])
    expect(lines.length - byLine.size).toBeGreaterThanOrEqual(15) // the check above looked at real deliveries
    for (const reject of rejects) expect(String(reject.reason)).toMatch(/\S/)

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
      if (reject === undefined) continue // delivered: found in the sandbox above
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

  it('as a process: exits 1 (some lines not delivered) with a summary and names the malformed lines on stderr', async () => {
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
    expect(code).toBe(1)
    expect(out).toContain('Exit code 1: some events were not delivered')
    for (const entry of lines.filter((l) => l.kind === 'raw' && l.expect === 'malformed')) {
      expect(err).toContain(`line ${entry.line}:`)
    }
    expect(out).toMatch(/Replay done/)
    expect(out + err).not.toContain(DEFAULT_SANDBOX_TOKEN)
  })
})
