import { formatDuration } from './progress'

// The replay's tally and its final report: per event type sent / skipped / failed, reasons grouped with counts,
// HTTP requests per event, elapsed time, and where to look.

export type Outcome = 'sent' | 'skipped' | 'failed'

export interface TypeCounts {
  sent: number
  skipped: number
  failed: number
}

export interface ReasonCount {
  /** invalid: refused before sending · failed: Drift refused it, or it failed after retries. */
  outcome: 'failed' | 'invalid' | 'skipped' | 'malformed'
  /** Event type, or '-' for a malformed line. */
  type: string
  reason: string
  count: number
  /** The first few line numbers, to find examples. */
  lines: number[]
}

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
  /** Why the run stopped early (e.g. the token was refused); undefined when it did not. */
  fatal?: string
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

const MAX_REASONS = 50
const MAX_REASON_CHARS = 300
const EXAMPLE_LINES = 5

export class Tally {
  readonly byType = new Map<string, TypeCounts>()
  private readonly reasons = new Map<string, ReasonCount>()

  count(type: string, outcome: Outcome, line: number, reason?: string, detail?: ReasonCount['outcome']): void {
    let counts = this.byType.get(type)
    if (!counts) this.byType.set(type, (counts = { sent: 0, skipped: 0, failed: 0 }))
    counts[outcome]++
    if (reason !== undefined) this.reason(detail ?? (outcome === 'sent' ? 'failed' : outcome), type, reason, line)
  }

  reason(outcome: ReasonCount['outcome'], type: string, reason: string, line: number): void {
    let text = reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}…` : reason
    let key = `${outcome}\u0000${type}\u0000${text}`
    // Many distinct reasons are folded into one group per outcome and type, so the summary stays readable.
    if (!this.reasons.has(key) && this.reasons.size >= MAX_REASONS) {
      text = '(other reasons: see the rejects file)'
      key = `${outcome}\u0000${type}\u0000${text}`
    }
    let entry = this.reasons.get(key)
    if (!entry) this.reasons.set(key, (entry = { outcome, type, reason: text, count: 0, lines: [] }))
    entry.count++
    if (entry.lines.length < EXAMPLE_LINES) entry.lines.push(line)
  }

  totals(): TypeCounts {
    const totals = { sent: 0, skipped: 0, failed: 0 }
    for (const c of this.byType.values()) {
      totals.sent += c.sent
      totals.skipped += c.skipped
      totals.failed += c.failed
    }
    return totals
  }

  reasonList(): ReasonCount[] {
    return [...this.reasons.values()].sort((a, b) => b.count - a.count || a.lines[0] - b.lines[0])
  }
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
  const status = s.fatal ? 'STOPPED' : s.interrupted ? 'INTERRUPTED' : 'done'
  out.push(`Replay ${status}: ${s.input} → ${where}`)
  if (s.fatal) out.push(`Fatal: ${s.fatal}`)
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
  if (s.reasons.length > 0) {
    out.push('', 'Not delivered, by reason (count · outcome · type · reason · first lines):')
    for (const r of s.reasons) {
      out.push(`  ${String(r.count).padStart(5)}  ${r.outcome} ${r.type}: ${r.reason} (line ${r.lines.join(', ')})`)
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
    `Time: ${formatDuration(s.elapsedMs)} (${(s.elapsedMs / 1000).toFixed(1)} s) · ${s.eventsPerSecond.toFixed(1)} events/s · ` +
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
  return out.join('\n')
}
