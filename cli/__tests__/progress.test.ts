import { DEFAULT_SANDBOX_TOKEN, startSandbox, type Sandbox } from '../../sandbox'
import { Progress, formatDuration, progressLine } from '../progress'
import { replay } from '../replay'
import { EXAMPLE, captureStream, readRejects, tempDir } from './helpers'

// What a person watches during a replay: the bar on a terminal, plain lines elsewhere, counts that agree with the
// summary; and transient faults that never become rejects.

jest.setTimeout(40_000)

/** A stream that says it is a terminal and keeps what was drawn. */
function terminal(): { write(t: string): boolean; isTTY: true; columns: number; text(): string } {
  const chunks: string[] = []
  return { write: (t: string) => chunks.push(t) > 0, isTTY: true, columns: 160, text: () => chunks.join('') }
}

describe('progress', () => {
  it('should say durations with their unit', () => {
    expect(formatDuration(14_000)).toBe('14 s')
    expect(formatDuration(200_000)).toBe('3 min 20 s')
    expect(formatDuration(7_500_000)).toBe('2 h 05 min')
  })

  it('should write plain periodic lines (no control characters) when not on a terminal', async () => {
    const stream = captureStream()
    let done = 0
    const progress = new Progress(
      stream,
      'lines',
      () => ({
        done: (done += 10),
        total: 1000,
        sent: done - 2,
        notDelivered: 1,
        skipped: 1,
        requests: done,
        elapsedMs: done * 10
      }),
      (t) => t,
      50
    )
    progress.start()
    await new Promise((r) => setTimeout(r, 2300))
    progress.stop()
    const lines = stream.text().trimEnd().split('\n')
    expect(lines.length).toBeGreaterThanOrEqual(1)
    expect(lines[0]).toMatch(
      /^progress: \d+\/1000 lines · \d+ sent · 1 not delivered · 1 skipped · 100 lines\/s · \d+ requests · ETA \d+ s$/
    )
    // eslint-disable-next-line no-control-regex
    expect(stream.text()).not.toMatch(/[\u001b\r]/)
    expect(progressLine({ done: 5, sent: 5, notDelivered: 0, skipped: 0, requests: 6, elapsedMs: 1000 })).toBe(
      '5 lines · 5 sent · 0 not delivered · 0 skipped · 5 lines/s · 6 requests'
    )
  })
})

describe('replay progress and faults', () => {
  let sandbox: Sandbox
  let tmp: ReturnType<typeof tempDir>
  afterEach(async () => {
    await sandbox?.close()
    tmp.cleanup()
  })

  it('should draw a bar on a terminal whose last counts agree with the summary', async () => {
    tmp = tempDir()
    // Each answer takes at least 8 ms, so the run (several hundred requests, 5 users at once) lasts well over the
    // bar's 200 ms redraw interval however fast the machine: more than one frame is always drawn.
    sandbox = await startSandbox({ rateLimit: false, faults: { latencyMs: 8 } })
    const stream = terminal()
    const { summary } = await replay({
      input: EXAMPLE,
      apiBase: sandbox.url,
      token: DEFAULT_SANDBOX_TOKEN,
      rate: null,
      checkpoint: false,
      rejects: tmp.file('rejects.ndjson'),
      settings: { accountOwnerId: '7' },
      progressStream: stream
    })
    const frames = stream
      .text()
      .split(new RegExp(String.raw`\r|\n|\u001b\[1G`))
      .filter((f) => f.includes('lines |'))
    expect(frames.length).toBeGreaterThan(1)
    const last = frames[frames.length - 1]
    const r = summary.result
    expect(last).toContain(`${r.sent} sent · ${r.notDelivered} not delivered · ${r.skipped} skipped`)
    expect(last).toMatch(/100% \| 364\/364 lines/)
    // An ETA, when shown, has its unit.
    for (const frame of frames.filter((f) => f.includes('ETA'))) expect(frame).toMatch(/ETA \d+ (s|min \d+ s)/)
  })

  it('should wait out 429s without using up attempts, never turning them into rejects', async () => {
    tmp = tempDir()
    sandbox = await startSandbox({
      rateLimit: false,
      faults: { rateLimitRate: 0.3, retryAfterSeconds: 0, seed: 3 }
    })
    const rejects = tmp.file('rejects.ndjson')
    const lines = []
    for (let u = 0; u < 20; u++) {
      lines.push(JSON.stringify({ type: 'identify', userId: `t-${u}`, traits: { email: `t-${u}@example.com` } }))
      for (let i = 0; i < 4; i++) lines.push(JSON.stringify({ type: 'track', userId: `t-${u}`, event: `E${i}` }))
    }
    const { summary } = await replay({
      input: tmp.file('events.ndjson', lines.join('\n')),
      apiBase: sandbox.url,
      token: DEFAULT_SANDBOX_TOKEN,
      rate: null,
      // A 429 does not use up an attempt: with a single attempt per event, every 429 is still waited out.
      maxAttempts: 1,
      backoff: { baseMs: 5, maxMs: 40 },
      checkpoint: false,
      rejects,
      progressStream: captureStream()
    })
    expect(sandbox.counts()['429']).toBeGreaterThan(10)
    expect(readRejects(rejects)).toEqual([])
    expect(summary.result).toEqual({ sent: 100, notDelivered: 0, skipped: 0 })
    expect(sandbox.state.timeline).toHaveLength(80)
  })
})
