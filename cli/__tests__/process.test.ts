import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { DEFAULT_SANDBOX_TOKEN } from '../../sandbox'
import { replay } from '../replay'
import {
  EXAMPLE,
  captureStream,
  duplicateTimelineEvents,
  exampleExpectations,
  exampleLines,
  readRejects,
  sandboxPerTest
} from './helpers'

// The command as a process: killed mid-run (SIGKILL: no cleanup at all) then resumed, and `npm start`.

jest.setTimeout(40_000)

const ROOT = join(__dirname, '..', '..')

function collect(child: ChildProcess): { out: () => string; exit: Promise<number | null> } {
  let out = ''
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()))
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { out: () => out, exit }
}

describe('drift-destination replay (process)', () => {
  const fx = sandboxPerTest({ faults: { latencyMs: 5 } })

  it('should resume after SIGKILL without resending acknowledged events and without losing any', async () => {
    const expected = exampleExpectations()
    const checkpoint = fx.tmp.file('cp.json')
    const rejects = fx.tmp.file('rejects.ndjson')
    const args = ['cli/bin.ts', 'replay', EXAMPLE, '--api-base', fx.sandbox.url, '--rate', 'off', '--quiet']
    // One process (node with tsx's loader), so SIGKILL hits the replay itself and not a wrapper.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', ...args, '--checkpoint', checkpoint, '--rejects', rejects, '--account-owner-id', '7'],
      {
        cwd: ROOT,
        env: { ...process.env, DRIFT_API_TOKEN: DEFAULT_SANDBOX_TOKEN },
        stdio: ['ignore', 'pipe', 'pipe']
      }
    )
    const { exit } = collect(child)
    while ((fx.sandbox.counts()['POST /contacts/timeline'] ?? 0) < 60) await new Promise((r) => setTimeout(r, 5))
    child.kill('SIGKILL')
    await exit
    const timelineAtKill = fx.sandbox.state.timeline.length
    expect(timelineAtKill).toBeLessThan(expected.timeline)

    const { summary } = await replay({
      input: EXAMPLE,
      apiBase: fx.sandbox.url,
      token: DEFAULT_SANDBOX_TOKEN,
      rate: null,
      checkpoint,
      rejects,
      settings: { accountOwnerId: '7' },
      progressStream: captureStream()
    })
    expect(summary.complete).toBe(true)
    expect(summary.lines.alreadyDone).toBeGreaterThanOrEqual(60)
    // Nothing lost: every timeline event arrived; every line is delivered or rejected.
    expect(fx.sandbox.state.contacts).toHaveLength(expected.users)
    expect(fx.sandbox.state.timeline.length - duplicateTimelineEvents(fx.sandbox)).toBe(expected.timeline)
    // Nothing acknowledged resent: only requests in flight at the kill (at most the concurrency, 8) can repeat.
    expect(duplicateTimelineEvents(fx.sandbox)).toBeLessThanOrEqual(8)
    const rejected = new Set(readRejects(rejects).map((r) => r.line)).size
    expect(
      summary.lines.alreadyDone +
        summary.totals.sent +
        summary.totals.failed +
        summary.totals.skipped +
        summary.lines.malformed
    ).toBe(exampleLines().length)
    expect(rejected).toBe(8)
  })
})

describe('npm start', () => {
  it('should replay the clean example into an embedded sandbox, print the summary and where to look, and exit 0', async () => {
    const child = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: { ...process.env, DRIFT_API_TOKEN: 'must-not-be-used-by-npm-start' },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const { out, exit } = collect(child)
    // The main job's file is the example's users without its deliberately bad lines: everything is delivered.
    expect(await exit).toBe(0)
    const text = out()
    expect(text).toContain('Exit code 0: everything delivered or deliberately skipped')
    expect(text).toContain('Replay done: examples/clean.ndjson → the embedded sandbox')
    // Every generated event sent (the same events the full example delivers), none skipped or failed.
    expect(text).toMatch(new RegExp(`total\\s+${exampleExpectations().deliverable}\\s+0\\s+0\\n`))
    expect(text).toMatch(/Sandbox page: http:\/\/127\.0\.0\.1:\d+\//)
    expect(text).toContain('drift-destination sandbox --state <file>')
    expect(text).not.toContain('must-not-be-used-by-npm-start')
  })
})
