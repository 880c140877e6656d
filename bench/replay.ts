import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ReplaySummary } from '../cli/summary'
import { generateEvents } from '../examples/generate'
import { startSandbox } from '../sandbox'
import {
  accountFor,
  markdownTable,
  replayInto,
  SCALED_LIMIT as LIMIT,
  SCALED_RATE_LIMIT,
  withTempDir
} from './replay-common'
import { runVariants } from './replay-variants'

// `npm run bench:replay`: 20,000 events for 2,000 users replayed into a sandbox whose rate limit is Drift's
// scaled down 10× in time (1000 requests per 2 s instead of per 20 s), with the replay paced to the same limit.
// Prints requests per event, throughput as a share of the limit, peak memory, and events lost.
//
// The sandbox runs in this process; the replay is the real command (`drift-destination replay --json`) in a
// child process, as a user runs it against Drift: the two do not share one JavaScript thread, and the peak memory
// printed is the replay's own.

const USERS = 2000
const EVENTS = 20_000

function main(): Promise<void> {
  return withTempDir('drift-bench-', async (dir) => {
    const lines = generateEvents({ users: USERS, eventsPerUser: EVENTS / USERS, seed: 7 })
    // Time order keeps each user's identify first; trim, or top up with more of the last user's events.
    const last = lines[lines.length - 1]
    for (let i = 1; lines.length < EVENTS; i++) lines.push(last.replace(/"msg-(\d+)"/, `"msg-$1-${i}"`))
    const input = join(dir, 'events.ndjson')
    writeFileSync(input, `${lines.slice(0, EVENTS).join('\n')}\n`)

    const sandbox = await startSandbox({ rateLimit: SCALED_RATE_LIMIT })
    let summary: ReplaySummary
    try {
      summary = await replayInto(sandbox, input, [
        '--checkpoint',
        join(dir, 'checkpoint.json'),
        '--rejects',
        join(dir, 'rejects.ndjson'),
        ...(process.stderr.isTTY ? [] : ['--quiet'])
      ])
    } catch (error) {
      await sandbox.close()
      throw error
    }
    const peakRss = summary.peakRssBytes

    const { sent, timelineAcknowledged: timelineSent, rejected } = accountFor(summary)
    const lost = EVENTS - summary.totals.sent - rejected
    const sandboxTimeline = sandbox.state.timeline.length
    const sandboxContacts = sandbox.state.contacts.length
    // Identifies that would write what was written before are skipped (acknowledged, no request): not more contacts.
    const agrees = sandboxTimeline === timelineSent && sandboxContacts <= sent('identify')
    const throttled = summary.http.byStatus['429'] ?? 0
    await sandbox.close()

    const allowedPerSecond = (LIMIT.requests * 1000) / LIMIT.windowMs
    const seconds = summary.elapsedMs / 1000
    const eventShare = summary.eventsPerSecond / allowedPerSecond
    const requestShare = summary.http.requests / seconds / allowedPerSecond
    const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`
    const rows: string[][] = [
      [
        'HTTP requests per event',
        `${summary.http.perEvent.toFixed(5)} (${summary.http.requests - summary.http.authRequests}/${summary.totals.sent})`,
        '≤ 1.1',
        summary.http.perEvent <= 1.1
          ? 'met'
          : `NOT met by ${Math.ceil(summary.http.requests - summary.http.authRequests - 1.1 * summary.totals.sent)} request(s)`
      ],
      [
        'delivered events/s ÷ limit',
        `${(eventShare * 100).toFixed(1)}% (${summary.eventsPerSecond.toFixed(0)}/s of ${allowedPerSecond}/s)`,
        '≥ 90%',
        eventShare >= 0.9 ? 'met' : 'NOT met'
      ],
      ['requests/s ÷ limit', `${(requestShare * 100).toFixed(1)}%`, '-', '-'],
      ['peak RSS of the replay process', mb(peakRss), '< 200 MB', peakRss < 200 * 1024 * 1024 ? 'met' : 'NOT met'],
      ['events lost', String(lost), '0', lost === 0 ? 'met' : 'NOT met'],
      ['sandbox state agrees with acknowledgements', agrees ? 'yes' : 'NO', 'yes', agrees ? 'met' : 'NOT met']
    ]
    const out = [
      `Replay benchmark: ${EVENTS} events, ${USERS} users, limit ${LIMIT.requests} requests per ${LIMIT.windowMs / 1000} s ` +
        `(sandbox and pacer), concurrency ${summary.concurrency}`,
      `elapsed ${seconds.toFixed(1)} s · ${summary.http.requests} requests (${throttled} answered 429, ${summary.http.retries} retries) · ` +
        `sent ${summary.totals.sent}, rejected with reason ${rejected}`,
      `sandbox: ${sandboxContacts} contacts, ${sandboxTimeline} timeline events (acknowledged: ${sent('identify')} identify, ${timelineSent} timeline)`,
      '',
      ...markdownTable([['measure', 'value', 'goal', 'result'], ...rows])
    ]
    process.stdout.write(`${out.join('\n')}\n`)
    if (lost !== 0 || !agrees) process.exitCode = 1
  })
}

const run = process.argv.includes('--variants') ? runVariants : main
run().catch((error: unknown) => {
  process.stderr.write(`bench:replay failed: ${(error as Error)?.stack ?? String(error)}\n`)
  process.exit(1)
})
