import { EXIT, type ExitCode } from './errors'
import type { RequestStats } from './deliver'
import { formatRate, type Rate } from './pacer'
import { formatDuration } from './progress'
import type { ReasonCount, Tally, TypeCounts } from './tally'

// The replay's final report, from its tally: per event type sent / skipped / failed, reasons grouped with counts,
// HTTP requests per event, elapsed time, and where to look.

export interface ReplaySummary {
  input: string
  target: {
    /** embedded: a sandbox started by this command · remote: --api-base/--token · dry-run: nothing sent. */
    kind: 'embedded' | 'remote' | 'dry-run'
    apiBase: string
    /** The sandbox page (embedded only). */
    page?: string
  }
  /** true: every line of the input is finished (delivered, rejected with a reason, or skipped). */
  complete: boolean
  interrupted: boolean
  /** Why the run stopped early: the token was refused mid-run; undefined when it did not. */
  stopped?: { cause: 'credentials'; message: string }
  lines: {
    read: number
    blank: number
    malformed: number
    /** Finished by an earlier run (from the checkpoint): not sent again. */
    alreadyDone: number
    /** Read but not finished because the run stopped: sent by a resumed run. */
    unfinished: number
  }
  byType: Record<string, TypeCounts>
  totals: TypeCounts
  /** What the progress shows: sent, not delivered (failed + malformed: all in the rejects file), skipped. */
  result: { sent: number; notDelivered: number; skipped: number }
  /** Skipped events by cause: `no consent`, `unsupported event type`. */
  skips: Record<string, number>
  reasons: ReasonCount[]
  http: {
    requests: number
    /** Of `requests`, the token check made once before any event. */
    authRequests: number
    /** Requests per delivered event (all attempts, lookups included; the one-off token check left out). */
    perEvent: number
    byStatus: Record<string, number>
    /** Answers that never came (timeouts, dropped connections). */
    noAnswer: number
    retries: number
  }
  elapsedMs: number
  eventsPerSecond: number
  /** Peak resident memory of this process so far (the replay, and an embedded sandbox when there is one). */
  peakRssBytes: number
  rate: string
  concurrency: number
  rejects: { file: string; written: number }
  checkpoint?: string
  /** Extra lines for the "where to look" part. */
  notes: string[]
}

interface SummaryInput {
  input: string
  target: ReplaySummary['target']
  complete: boolean
  interrupted: boolean
  stopped?: ReplaySummary['stopped']
  lines: ReplaySummary['lines']
  tally: Tally
  stats: RequestStats
  authRequests: number
  retries: number
  elapsedMs: number
  rate: Rate | undefined
  concurrency: number
  rejects: ReplaySummary['rejects']
  checkpoint?: string
}

/** The summary of a run, from its tally and request counts. */
export function buildSummary(run: SummaryInput): ReplaySummary {
  const totals = run.tally.totals()
  const byStatus = { ...run.stats.byStatus }
  const answered = Object.values(byStatus).reduce((a, b) => a + b, 0)
  return {
    input: run.input,
    target: run.target,
    complete: run.complete,
    interrupted: run.interrupted,
    stopped: run.stopped,
    lines: { ...run.lines },
    byType: Object.fromEntries(run.tally.byType),
    totals,
    result: { sent: totals.sent, notDelivered: totals.failed + run.lines.malformed, skipped: totals.skipped },
    skips: Object.fromEntries(run.tally.skips),
    reasons: run.tally.reasonList(),
    http: {
      requests: run.stats.requests,
      authRequests: run.authRequests,
      perEvent: totals.sent > 0 ? (run.stats.requests - run.authRequests) / totals.sent : 0,
      byStatus,
      noAnswer: Math.max(0, run.stats.requests - answered),
      retries: run.retries
    },
    elapsedMs: run.elapsedMs,
    eventsPerSecond: run.elapsedMs > 0 ? (totals.sent * 1000) / run.elapsedMs : 0,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    rate: formatRate(run.rate),
    concurrency: run.concurrency,
    rejects: run.rejects,
    checkpoint: run.checkpoint,
    notes: []
  }
}

/** 0 all delivered or deliberately skipped · 1 some not delivered · 3 the token was refused · 130 interrupted. */
export function exitCodeOf(s: ReplaySummary): ExitCode {
  if (s.stopped) return EXIT.credentials
  if (s.interrupted) return EXIT.interrupted
  return s.result.notDelivered > 0 ? EXIT.notDelivered : EXIT.ok
}

const TYPE_ORDER = ['identify', 'track', 'page', 'screen', 'group']

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
  return rows
    .map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '))
    .join('\n')
}

/** The summary as text for people (stdout). */
export function formatSummary(s: ReplaySummary): string {
  const out: string[] = []
  const where =
    s.target.kind === 'embedded'
      ? `the embedded sandbox at ${s.target.apiBase}`
      : s.target.kind === 'dry-run'
        ? `nothing (dry run: requests printed above, as Drift at ${s.target.apiBase} would get them)`
        : s.target.apiBase
  const status = s.stopped ? 'STOPPED' : s.interrupted ? 'INTERRUPTED' : 'done'
  out.push(`Replay ${status}: ${s.input} → ${where}`)
  if (s.stopped) out.push(`Stopped: ${s.stopped.message}`)
  const l = s.lines
  out.push(
    `Lines: ${l.read} read · ${l.malformed} malformed · ${l.blank} blank · ` +
      `${l.alreadyDone} already done by an earlier run (checkpoint)` +
      (l.unfinished > 0 ? ` · ${l.unfinished} not finished (resume to send them)` : '')
  )
  out.push('')
  const types = [...Object.keys(s.byType)].sort((a, b) => {
    const ia = TYPE_ORDER.indexOf(a)
    const ib = TYPE_ORDER.indexOf(b)
    return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib) || a.localeCompare(b)
  })
  const rows = [['type', 'sent', 'skipped', 'failed']]
  for (const type of types) {
    const c = s.byType[type]
    rows.push([type, String(c.sent), String(c.skipped), String(c.failed)])
  }
  rows.push(['total', String(s.totals.sent), String(s.totals.skipped), String(s.totals.failed)])
  out.push(table(rows))
  const r = s.result
  out.push(
    '',
    `Result: ${r.sent} sent · ${r.notDelivered} not delivered` +
      (r.notDelivered > 0 ? ` (${s.totals.failed} failed, ${s.lines.malformed} malformed)` : '') +
      ` · ${r.skipped} skipped`
  )
  for (const [label, count] of Object.entries(s.skips)) out.push(`  skipped: ${label} · ${count}`)
  if (s.reasons.length > 0) {
    out.push('', 'Not delivered or skipped, by cause (count · outcome · type · reason · first lines):')
    for (const reason of s.reasons) {
      out.push(
        `  ${String(reason.count).padStart(5)}  ${reason.outcome} ${reason.type}: ${reason.reason} ` +
          `(line ${reason.lines.join(', ')}${reason.count > reason.lines.length ? ', …' : ''})`
      )
    }
  }
  out.push('')
  const statuses = Object.entries(s.http.byStatus)
    .filter(([status]) => !status.startsWith('2'))
    .map(([status, n]) => `${n}×${status}`)
  out.push(
    `HTTP: ${s.http.requests} requests (${s.http.authRequests} for the token check), ` +
      `${s.http.perEvent.toFixed(2)} per delivered event` +
      (statuses.length > 0 ? ` · answers ${statuses.join(', ')}` : '') +
      (s.http.noAnswer > 0 ? ` · ${s.http.noAnswer} without answer` : '') +
      ` · ${s.http.retries} retries`
  )
  out.push(
    `Time: ${formatDuration(s.elapsedMs)} · ${s.eventsPerSecond.toFixed(1)} events/s · ` +
      `rate limit ${s.rate} · concurrency ${s.concurrency} · peak memory ${(s.peakRssBytes / 1048576).toFixed(0)} MB`
  )
  out.push('')
  out.push(
    s.rejects.written > 0
      ? `Rejects: ${s.rejects.written} lines with reasons in ${s.rejects.file}`
      : `Rejects: none (${s.rejects.file} is empty)`
  )
  if (s.checkpoint) out.push(`Checkpoint: ${s.checkpoint}`)
  if (s.target.page) out.push(`Sandbox page: ${s.target.page}`)
  out.push(...s.notes)
  const code = exitCodeOf(s)
  const meaning =
    code === EXIT.ok
      ? 'everything delivered or deliberately skipped'
      : code === EXIT.notDelivered
        ? 'some events were not delivered: see the rejects file'
        : code === EXIT.credentials
          ? 'the token was refused'
          : 'interrupted: run the same command again to resume'
  out.push(`Exit code ${code}: ${meaning}`)
  return out.join('\n')
}
