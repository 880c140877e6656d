// Progress on stderr: a bar redrawn in place on a terminal (done/total, rate, ETA, failures); on anything else a
// plain line every `plainEveryMs` (or nothing), so logs and pipes get no control characters.

export interface ProgressSnapshot {
  /** Lines finished (delivered, rejected or skipped) in this run. */
  done: number
  /** Lines in the input (this run's share), when known. */
  total?: number
  failed: number
  requests: number
  elapsedMs: number
}

export type ProgressMode = 'bar' | 'lines' | 'none'

export interface ProgressStream {
  write(text: string): unknown
  isTTY?: boolean
  columns?: number
}

export function chooseProgressMode(stream: ProgressStream, quiet: boolean): ProgressMode {
  if (quiet) return 'none'
  return stream.isTTY ? 'bar' : 'lines'
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?'
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`
}

/** One line of text for a snapshot; `width` > 0 adds a bar that fits. */
export function progressLine(p: ProgressSnapshot, width = 0): string {
  const rate = p.elapsedMs > 0 ? (p.done * 1000) / p.elapsedMs : 0
  const count = p.total === undefined ? `${p.done}` : `${p.done}/${p.total}`
  const eta = p.total !== undefined && rate > 0 ? ` ETA ${formatDuration(((p.total - p.done) / rate) * 1000)}` : ''
  const text = `${count} events · ${rate.toFixed(0)}/s · ${p.requests} requests · ${p.failed} failed${eta}`
  if (width <= 0 || p.total === undefined || p.total === 0) return text
  const barWidth = Math.max(10, Math.min(40, width - text.length - 8))
  const share = Math.min(1, p.done / p.total)
  const filled = Math.round(share * barWidth)
  return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${text}`
}

export class Progress {
  private timer: NodeJS.Timeout | undefined
  private lastPlainAt = 0
  private drawn = false

  constructor(
    private readonly stream: ProgressStream,
    readonly mode: ProgressMode,
    private readonly snapshot: () => ProgressSnapshot,
    private readonly redact: (text: string) => string = (t) => t,
    private readonly plainEveryMs = 10_000
  ) {}

  start(): void {
    if (this.mode === 'none') return
    this.timer = setInterval(() => this.tick(), this.mode === 'bar' ? 200 : 1000)
  }

  /** Writes a message above the bar (e.g. a warning) without garbling it. */
  note(message: string): void {
    if (this.mode === 'bar' && this.drawn) this.stream.write('\r\x1b[2K')
    this.stream.write(`${this.redact(message)}\n`)
    if (this.mode === 'bar' && this.drawn) this.draw()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    if (this.mode === 'bar' && this.drawn) {
      this.draw()
      this.stream.write('\n')
    }
  }

  private tick(): void {
    if (this.mode === 'bar') return this.draw()
    const { elapsedMs } = this.snapshot()
    if (elapsedMs - this.lastPlainAt >= this.plainEveryMs) {
      this.lastPlainAt = elapsedMs
      this.stream.write(`progress: ${progressLine(this.snapshot())}\n`)
    }
  }

  private draw(): void {
    const width = this.stream.columns ?? 100
    this.stream.write(`\r\x1b[2K${progressLine(this.snapshot(), width).slice(0, width - 1)}`)
    this.drawn = true
  }
}
