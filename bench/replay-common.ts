import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Rate } from '../cli/pacer'
import type { ReplaySummary } from '../cli/summary'
import type { Sandbox } from '../sandbox'
import { runReplay } from './replay-child'

// What both replay benchmarks (bench/replay.ts and its `--variants`) share: Drift's rate limit scaled down 10× in
// time, a temp dir, the replay command against a sandbox, how a summary is accounted for, and the table printed.

/** Drift's limit (1000 requests per 20 s) scaled down 10× in time: for the sandbox and the replay's pacer alike. */
export const SCALED_LIMIT: Rate = { requests: 1000, windowMs: 2000 }

/** The sandbox's rate-limit option for SCALED_LIMIT. */
export const SCALED_RATE_LIMIT = { capacity: SCALED_LIMIT.requests, windowMs: SCALED_LIMIT.windowMs }

/** Runs `body` with a fresh temp dir, removed afterwards whatever happens. */
export async function withTempDir<T>(prefix: string, body: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  try {
    return await body(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** `drift-destination replay <input> --json` into the sandbox, paced to SCALED_LIMIT; `more` adds flags. */
export function replayInto(sandbox: Sandbox, input: string, more: string[]): Promise<ReplaySummary> {
  return runReplay([
    'replay',
    input,
    '--api-base',
    sandbox.url,
    '--account-owner-id',
    '1',
    '--rate',
    `${SCALED_LIMIT.requests}/${SCALED_LIMIT.windowMs}ms`,
    '--json',
    ...more
  ])
}

/** A summary's counts as the benchmarks check them against the sandbox. */
export function accountFor(summary: ReplaySummary): {
  sent: (type: string) => number
  /** Timeline events (track, page, screen) the replay says Drift acknowledged. */
  timelineAcknowledged: number
  /** Events not delivered, each with a reason in the rejects file (failed, skipped, malformed lines). */
  rejected: number
} {
  const sent = (type: string): number => summary.byType[type]?.sent ?? 0
  return {
    sent,
    timelineAcknowledged: sent('track') + sent('page') + sent('screen'),
    rejected: summary.totals.failed + summary.totals.skipped + summary.lines.malformed
  }
}

/** A Markdown table: the header row, a rule, then the rows, each cell padded to its column. */
export function markdownTable(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
  const line = (r: string[]): string => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`
  return [line(rows[0]), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)]
}
