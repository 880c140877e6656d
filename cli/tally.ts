// The replay's running count: per event type sent / skipped / failed, and the reasons for what was not
// delivered, grouped (one cause is one group however many users it hit) and capped so the summary stays readable.

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

/**
 * A reason with what varies per event (ids, emails, numbers, quoted values) replaced by placeholders, so one cause
 * is one group however many users it hit. HTTP statuses (3 digits) are kept: they are the cause.
 */
function reasonGroup(reason: string): string {
  return reason
    .replace(/[^\s"'@]+@[^\s"'@]+\.[^\s"',)]+/g, '<email>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>')
    .replace(/"[^"]*\d[^"]*"/g, '"<id>"')
    .replace(/'[^']*\d[^']*'/g, "'<id>'")
    .replace(/\b(line|position|column|index) \d+/g, '$1 <n>')
    .replace(/\b[A-Za-z]+[-_:]\d[\w-]*\b/g, '<id>')
    .replace(/\b\d{4,}\b/g, '<id>')
}

const MAX_REASONS = 50
const MAX_REASON_CHARS = 300
const EXAMPLE_LINES = 5

export class Tally {
  readonly byType = new Map<string, TypeCounts>()
  /** Skipped events by cause. */
  readonly skips = new Map<string, number>()
  private readonly reasons = new Map<string, ReasonCount>()

  /** An event skipped on purpose, counted under its cause (`label`) and listed with `reason`. */
  skip(type: string, line: number, label: string, reason: string): void {
    this.count(type, 'skipped', line, reason)
    this.skips.set(label, (this.skips.get(label) ?? 0) + 1)
  }

  count(type: string, outcome: Outcome, line: number, reason?: string, detail?: ReasonCount['outcome']): void {
    let counts = this.byType.get(type)
    if (!counts) this.byType.set(type, (counts = { sent: 0, skipped: 0, failed: 0 }))
    counts[outcome]++
    if (reason !== undefined) this.reason(detail ?? (outcome === 'sent' ? 'failed' : outcome), type, reason, line)
  }

  reason(outcome: ReasonCount['outcome'], type: string, reason: string, line: number): void {
    const grouped = reasonGroup(reason)
    let text = grouped.length > MAX_REASON_CHARS ? `${grouped.slice(0, MAX_REASON_CHARS)}…` : grouped
    let key = `${outcome}\u0000${type}\u0000${text}`
    // Many distinct reasons are folded into one group per outcome and type, so the summary stays readable.
    if (!this.reasons.has(key) && this.reasons.size >= MAX_REASONS) {
      text = '(other reasons: see the rejects file)'
      key = `${outcome}\u0000${type}\u0000${text}`
    }
    let entry = this.reasons.get(key)
    if (!entry) this.reasons.set(key, (entry = { outcome, type, reason: text, count: 0, lines: [] }))
    entry.count++
    // The first lines of the input (events finish out of order: keep the smallest).
    if (entry.lines.length < EXAMPLE_LINES || line < entry.lines[EXAMPLE_LINES - 1]) {
      entry.lines = [...entry.lines, line].sort((a, b) => a - b).slice(0, EXAMPLE_LINES)
    }
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
