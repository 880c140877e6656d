import { fork, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { parseArgs } from 'node:util'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { replay } from '../cli/replay'
import { DEFAULT_SANDBOX_TOKEN, startSandbox } from '../sandbox'

// `npm run bench:soak [-- --seconds 180]`: a sustained stream of events replayed for a few minutes into a sandbox
// running in its own process (so the two memories are apart), Drift's rate limit scaled 10x in time (1000 requests
// per 2 s, the replay paced to it). Both processes sample their memory every second; the table compares the
// first and the last 20 s. The sandbox keeps every event it receives, like Drift: its state is cleared every 30 s
// so what is measured is the server's own memory, not the data it was asked to store.

const LIMIT = { requests: 1000, windowMs: 2000 }
const USERS = 2000
const SAMPLE_MS = 1000
const WINDOW_S = 20
const SANDBOX_RESET_MS = 30_000

interface Sample {
  at: number
  rss: number
  heapUsed: number
  /** Heap in use right after a full garbage collection (every 10th sample): what is really kept. */
  heapAfterGc?: number
}

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
let sampleCount = 0

const memory = (): Sample => {
  const m = process.memoryUsage()
  const sample: Sample = { at: Date.now(), rss: m.rss, heapUsed: m.heapUsed }
  if (sampleCount++ % 10 === 0) {
    gc()
    sample.heapAfterGc = process.memoryUsage().heapUsed
  }
  return sample
}

/** The child: a sandbox that reports its URL, then a memory sample every second, to the parent. */
async function sandboxChild(): Promise<void> {
  const sandbox = await startSandbox({ rateLimit: { capacity: LIMIT.requests, windowMs: LIMIT.windowMs } })
  const send = (message: unknown): void => void process.send?.(message)
  send({ url: sandbox.url })
  const timer = setInterval(
    () =>
      send({
        sample: memory(),
        timeline: sandbox.state.timeline.length,
        contacts: sandbox.state.contacts.length,
        requests: Object.entries(sandbox.counts())
          .filter(([k]) => k.includes(' '))
          .reduce((a, [, n]) => a + n, 0)
      }),
    SAMPLE_MS
  )
  const reset = setInterval(() => sandbox.reset(), SANDBOX_RESET_MS)
  process.on('message', (message) => {
    if (message === 'stop') {
      clearInterval(timer)
      clearInterval(reset)
      void sandbox.close().then(() => process.exit(0))
    }
  })
}

/** Events for `seconds`: each user identified once, then tracks and pages (with the email, so a contact the
 * sandbox forgot on a reset is created again). Produced lazily, so the replay's backpressure applies. */
function eventStream(seconds: number): Readable {
  const until = Date.now() + seconds * 1000
  let n = 0
  async function* lines(): AsyncGenerator<string> {
    while (Date.now() < until) {
      const u = n % USERS
      const userId = `soak-${u}`
      const email = `${userId}@example.com`
      const timestamp = new Date().toISOString()
      const event =
        n < USERS
          ? { type: 'identify', userId, traits: { email, plan: n % 3 ? 'pro' : 'free', address: { city: 'Paris' } } }
          : n % 5 === 0
            ? {
                type: 'page',
                userId,
                name: 'Pricing',
                properties: { path: '/pricing' },
                context: { traits: { email } }
              }
            : {
                type: 'track',
                userId,
                event: 'Soak',
                properties: { n, nested: { a: n % 7 } },
                context: { traits: { email } }
              }
      n++
      yield `${JSON.stringify({ ...event, timestamp, messageId: `soak-${n}` })}\n`
    }
  }
  return Readable.from(lines(), { objectMode: false })
}

const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(0)} MB`
const maxOf = (samples: Sample[], key: 'rss' | 'heapUsed' | 'heapAfterGc'): number =>
  Math.max(...samples.map((s) => s[key] ?? 0))

function row(name: string, samples: Sample[]): string[] {
  const t0 = samples[0].at
  const tEnd = samples[samples.length - 1].at
  const first = samples.filter((s) => s.at - t0 <= WINDOW_S * 1000)
  const last = samples.filter((s) => tEnd - s.at <= WINDOW_S * 1000)
  const change = maxOf(last, 'rss') - maxOf(first, 'rss')
  return [
    name,
    mb(maxOf(first, 'rss')),
    mb(maxOf(last, 'rss')),
    `${Math.round(change / 1048576) >= 0 ? '+' : '-'}${mb(Math.abs(change))}`,
    mb(maxOf(samples, 'rss')),
    mb(maxOf(first, 'heapUsed')),
    mb(maxOf(last, 'heapUsed')),
    `${mb(maxOf(first, 'heapAfterGc'))} → ${mb(maxOf(last, 'heapAfterGc'))}`,
    String(samples.length)
  ]
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (r: string[]): string => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string' }, child: { type: 'string' } } })
  if (values.child === 'sandbox') return sandboxChild()
  const seconds = Number(values.seconds ?? 180)
  if (!(seconds >= 10)) throw new Error('--seconds must be at least 10')

  const child: ChildProcess = fork(__filename, ['--child', 'sandbox'], { execArgv: ['--import', 'tsx'] })
  const sandboxSamples: Sample[] = []
  let sandboxStats = { timeline: 0, contacts: 0, requests: 0 }
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the sandbox process exited (${code})`)))
    child.on(
      'message',
      (message: { url?: string; sample?: Sample; timeline: number; contacts: number; requests: number }) => {
        if (message.url) resolve(message.url)
        if (message.sample) {
          sandboxSamples.push(message.sample)
          sandboxStats = { timeline: message.timeline, contacts: message.contacts, requests: message.requests }
        }
      }
    )
  })

  const dir = mkdtempSync(join(tmpdir(), 'drift-soak-'))
  const replaySamples: Sample[] = [memory()]
  const sampler = setInterval(() => replaySamples.push(memory()), SAMPLE_MS)
  const progress = setInterval(() => {
    const last = replaySamples[replaySamples.length - 1]
    const sb = sandboxSamples[sandboxSamples.length - 1]
    process.stderr.write(
      `soak: ${((Date.now() - replaySamples[0].at) / 1000).toFixed(0)} s · replay RSS ${mb(last.rss)} · ` +
        `sandbox RSS ${sb ? mb(sb.rss) : '?'} · sandbox requests ${sandboxStats.requests}\n`
    )
  }, 15_000)
  let summary
  try {
    ;({ summary } = await replay({
      input: '-',
      stdin: eventStream(seconds),
      apiBase: url,
      token: DEFAULT_SANDBOX_TOKEN,
      rate: { requests: LIMIT.requests, windowMs: LIMIT.windowMs },
      checkpoint: false,
      rejects: join(dir, 'soak.rejects.ndjson'),
      settings: { accountOwnerId: '7' },
      progressStream: process.stderr,
      progress: 'none'
    }))
  } finally {
    clearInterval(sampler)
    clearInterval(progress)
    replaySamples.push(memory())
    child.send('stop')
    await new Promise((resolve) => child.once('exit', resolve))
    rmSync(dir, { recursive: true, force: true })
  }

  const sent = summary.totals.sent
  const rejected = summary.totals.failed + summary.totals.skipped + summary.lines.malformed
  const out = [
    `Soak: ${seconds} s of events for ${USERS} users (identify, then track and page), replayed at the limit ` +
      `${LIMIT.requests} requests per ${LIMIT.windowMs / 1000} s into a sandbox in its own process ` +
      `(its state cleared every ${SANDBOX_RESET_MS / 1000} s); memory sampled every ${SAMPLE_MS / 1000} s`,
    `replay: ${sent} events sent, ${rejected} rejected, ${(summary.elapsedMs / 1000).toFixed(0)} s, ` +
      `${summary.eventsPerSecond.toFixed(0)} events/s, ${summary.http.requests} requests ` +
      `(${summary.http.perEvent.toFixed(3)} per event, ${summary.http.byStatus['429'] ?? 0} answered 429)`,
    '',
    table(
      [
        'process',
        `RSS first ${WINDOW_S} s`,
        `RSS last ${WINDOW_S} s`,
        'change',
        'peak RSS',
        `heap first ${WINDOW_S} s`,
        `heap last ${WINDOW_S} s`,
        `heap after GC, first → last ${WINDOW_S} s`,
        'samples'
      ],
      [row('replay (the command)', replaySamples), row('sandbox (child process)', sandboxSamples)]
    )
  ]
  process.stdout.write(`${out.join('\n')}\n`)
  if (rejected > 0) process.exitCode = 1
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:soak failed: ${(error as Error)?.stack ?? String(error)}\n`)
  process.exit(1)
})
