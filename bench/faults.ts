import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { DestinationDefinition } from '@segment/actions-core'
import { replay } from '../cli/replay'
import driftDestination from '../destinations/drift'
import { DEFAULT_SANDBOX_TOKEN, startSandbox, type Sandbox } from '../sandbox'
import {
  account,
  countSeqs,
  readRejectLines,
  readUnanswered,
  replayKilledMidway,
  spawnReplay,
  startLossyProxy,
  timelineCopies,
  writeFaultInput,
  type Accounting,
  type FaultInput,
  type LossyProxy
} from '../test/reliability/fault-harness'
import { recordUnanswered } from '../test/reliability/record-unanswered'

// `npm run bench:faults`: 10,000 events replayed into a sandbox that answers 20% of requests 500/503/429 (a few
// 429s with Retry-After, most without), drops 2% of connections and never answers 1%, behind a proxy that loses 1%
// of answers after the sandbox applied them. Drift's rate limit is scaled 10x in time (1000 requests per 2 s, the
// replay paced to it). Run 1: one replay. Run 2: a replay process SIGKILLed at 40% and resumed from its checkpoint.
// Prints delivered / lost / duplicated (checked against the sandbox's state) and the faults that happened.

const { values } = parseArgs({ options: { events: { type: 'string' }, seed: { type: 'string' } } })
const EVENTS = Number(values.events ?? 10_000)
const SEED = Number(values.seed ?? 1)
const LIMIT = { requests: 1000, windowMs: 2000 }
const FAULTS = { errorRate: 0.14, rateLimitRate: 0.06, retryAfterSeconds: 1, dropRate: 0.02, hangRate: 0.01 }
const LOST_ANSWER_RATE = 0.01
/** Most 429s lose their Retry-After: each one that keeps it pauses every worker for 1 s. */
const STRIP_RETRY_AFTER = 0.98
const TIMEOUT_MS = 1000
/** Users replayed at once: enough lanes that backoffs of some users do not idle the rate limit. */
const CONCURRENCY = 32

interface RunRow {
  name: string
  /** Reasons of the rejected events, with counts. */
  reasons: Map<string, number>
  acc: Accounting
  answersLost: number
  /** Timeline posts the client got no answer for (timeouts, broken connections), lost answers included. */
  unanswered: number
  inFlightAtKill: number | '-'
  ackResent: number | '-'
  requests: number
  counts: Record<string, number>
  retryAfter: { with: number; without: number }
  seconds: number
}

async function withTarget<T>(run: (sandbox: Sandbox, proxy: LossyProxy) => Promise<T>): Promise<T> {
  const sandbox = await startSandbox({
    rateLimit: { capacity: LIMIT.requests, windowMs: LIMIT.windowMs },
    faults: { ...FAULTS, seed: SEED }
  })
  const proxy = await startLossyProxy(sandbox.url, {
    lostAnswerRate: LOST_ANSWER_RATE,
    stripRetryAfterShare: STRIP_RETRY_AFTER,
    seed: SEED + 1
  })
  try {
    return await run(sandbox, proxy)
  } finally {
    await proxy.close()
    await sandbox.close()
  }
}

const requestsOf = (counts: Record<string, number>): number =>
  Object.entries(counts)
    .filter(([key]) => key.includes(' '))
    .reduce((sum, [, n]) => sum + n, 0)

async function singleRun(dir: string, input: FaultInput): Promise<RunRow> {
  return withTarget(async (sandbox, proxy) => {
    const started = Date.now()
    const rejects = join(dir, 'single.rejects.ndjson')
    const unanswered: number[] = []
    await replay({
      input: input.file,
      apiBase: proxy.url,
      token: DEFAULT_SANDBOX_TOKEN,
      rate: LIMIT,
      timeoutMs: TIMEOUT_MS,
      concurrency: CONCURRENCY,
      checkpoint: join(dir, 'single.checkpoint.json'),
      rejects,
      settings: { accountOwnerId: '7' },
      progressStream: process.stderr,
      progress: process.stderr.isTTY ? 'bar' : 'none',
      definition: recordUnanswered(driftDestination as DestinationDefinition<unknown>, (seq) => unanswered.push(seq))
    })
    const rejected = readRejectLines(rejects)
    const acc = account(input, sandbox, rejected, countSeqs(unanswered))
    const counts = sandbox.counts()
    return {
      name: 'one replay',
      reasons: reasonsOf(rejected),
      acc,
      answersLost: proxy.lost.length,
      unanswered: unanswered.length,
      inFlightAtKill: '-',
      ackResent: '-',
      requests: requestsOf(counts),
      counts,
      retryAfter: { ...proxy.retryAfter },
      seconds: (Date.now() - started) / 1000
    }
  })
}

async function killedRun(dir: string, input: FaultInput): Promise<RunRow> {
  return withTarget(async (sandbox, proxy) => {
    const started = Date.now()
    const checkpoint = join(dir, 'killed.checkpoint.json')
    const rejects = join(dir, 'killed.rejects.ndjson')
    const args = [input.file, '--api-base', proxy.url, '--rate', `${LIMIT.requests}/${LIMIT.windowMs / 1000}s`]
    args.push('--timeout', String(TIMEOUT_MS), '--quiet', '--checkpoint', checkpoint, '--rejects', rejects)
    args.push('--account-owner-id', '7', '--concurrency', String(CONCURRENCY))
    const unansweredLog = join(dir, 'killed.unanswered.log')
    const { finishedAtKill, copiesAtKill, inFlight } = await replayKilledMidway(
      args,
      sandbox,
      input,
      checkpoint,
      unansweredLog
    )
    process.stderr.write(`killed at ${finishedAtKill.size} finished lines; resuming\n`)

    const second = spawnReplay(args, DEFAULT_SANDBOX_TOKEN, unansweredLog)
    const code = await second.exit
    // 1: some events not delivered (counted below from the rejects file); anything else is a failed run.
    if (code !== 0 && code !== 1) throw new Error(`the resumed replay exited ${code}:\n${second.output()}`)
    const copies = timelineCopies(sandbox)
    const ackResent = input.trackLines
      .filter((line) => finishedAtKill.has(line))
      .filter((line) => copies.get(line) !== copiesAtKill.get(line)).length
    const rejected = readRejectLines(rejects)
    const unanswered = readUnanswered(unansweredLog)
    const acc = account(input, sandbox, rejected, countSeqs([...unanswered, ...inFlight]))
    const counts = sandbox.counts()
    return {
      name: 'SIGKILL at 40% + resume',
      reasons: reasonsOf(rejected),
      acc,
      answersLost: proxy.lost.length,
      unanswered: unanswered.length,
      inFlightAtKill: inFlight.length,
      ackResent,
      requests: requestsOf(counts),
      counts,
      retryAfter: { ...proxy.retryAfter },
      seconds: (Date.now() - started) / 1000
    }
  })
}

const pct = (share: number): string => `${Math.round(share * 1000) / 10}%`

/** Rejection reasons grouped, with line-specific details (numbers, quoted ids) blurred so they group. */
function reasonsOf(rejects: Map<number, string>): Map<string, number> {
  const out = new Map<string, number>()
  for (const reason of rejects.values()) {
    const key = reason.replace(/"[^"]*"/g, '"…"').slice(0, 200)
    out.set(key, (out.get(key) ?? 0) + 1)
  }
  return out
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (r: string[]): string => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'drift-bench-faults-'))
  try {
    const input = writeFaultInput(join(dir, 'events.ndjson'), EVENTS)
    const started = Date.now()
    const runs = [await singleRun(dir, input), await killedRun(dir, input)]
    const outcome = table(
      [
        'run',
        'events',
        'delivered',
        'rejected',
        'lost',
        'timeline duplicates',
        'explained (answer never read)',
        'acknowledged resent',
        'time'
      ],
      runs.map((r) => [
        r.name,
        String(r.acc.events),
        String(r.acc.delivered),
        String(r.acc.rejected),
        String(r.acc.lost),
        String(r.acc.duplicates),
        String(r.acc.duplicatesExplained),
        String(r.ackResent),
        `${r.seconds.toFixed(0)} s`
      ])
    )
    const faults = table(
      [
        'run',
        'requests',
        '500/503',
        '429 (with / without Retry-After)',
        'dropped',
        'never answered',
        'answers lost after apply',
        'timeline posts unanswered',
        'in flight at kill'
      ],
      runs.map((r) => [
        r.name,
        String(r.requests),
        `${r.counts['500'] ?? 0}/${r.counts['503'] ?? 0}`,
        `${r.counts['429'] ?? 0} (${r.retryAfter.with} / ${r.retryAfter.without})`,
        String(r.counts.dropped ?? 0),
        String(r.counts.hung ?? 0),
        String(r.answersLost),
        String(r.unanswered),
        String(r.inFlightAtKill)
      ])
    )
    const ok = runs.every(
      (r) =>
        r.acc.lost === 0 && r.acc.duplicates === r.acc.duplicatesExplained && (r.ackResent === '-' || r.ackResent === 0)
    )
    process.stdout.write(
      [
        `Fault benchmark: ${EVENTS} events (${input.identifies.size} users: 1 identify + tracks each), sandbox limit ` +
          `${LIMIT.requests} requests per ${LIMIT.windowMs / 1000} s, replay paced to it, concurrency ${CONCURRENCY}, timeout ${TIMEOUT_MS} ms, seed ${SEED}`,
        `Faults: ${pct(FAULTS.errorRate)} 500/503, ${pct(FAULTS.rateLimitRate)} 429 (Retry-After ${FAULTS.retryAfterSeconds} s ` +
          `kept on ${pct(1 - STRIP_RETRY_AFTER)}), ${pct(FAULTS.dropRate)} dropped, ${pct(FAULTS.hangRate)} never answered, ` +
          `${pct(LOST_ANSWER_RATE)} of answers lost after Drift applied the request`,
        '',
        outcome,
        '',
        faults,
        '',
        ...runs.flatMap((r) =>
          [...r.reasons].map(([reason, n]) => `rejected in "${r.name}" (${n}, each in the rejects file): ${reason}`)
        ),
        `total ${((Date.now() - started) / 1000).toFixed(0)} s · ${ok ? 'PASS: nothing lost, every duplicate explained, nothing acknowledged resent' : 'FAIL'}`
      ].join('\n') + '\n'
    )
    if (!ok) process.exitCode = 1
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:faults failed: ${(error as Error)?.stack ?? String(error)}\n`)
  process.exit(1)
})
