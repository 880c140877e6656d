import { Format, MultiBar, Presets, type Options, type Params } from 'cli-progress'

// Progress on stderr: a cli-progress bar on a terminal (lines done of the total, what became of them, rate, ETA);
// on anything else a plain line every `plainEveryMs`, so logs and pipes get no control characters. The counts are
// the summary's own (sent, not delivered, skipped), read from the same tally.

export interface ProgressSnapshot {
  /** Lines finished (delivered, rejected or skipped) in this run. */
  done: number
  /** Lines in the input (this run's share), when known. */
  total?: number
  sent: number
  /** Failed, refused or malformed: each is in the rejects file. */
  notDelivered: number
  skipped: number
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

/** A duration with its unit: `45 s`, `3 min 20 s`, `2 h 05 min`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?'
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`
}

const counts = (p: ProgressSnapshot): string =>
  `${p.sent} sent · ${p.notDelivered} not delivered · ${p.skipped} skipped`

/** The plain line (not a TTY): same counts and words as the summary; ETA from the average rate. */
export function progressLine(p: ProgressSnapshot): string {
  const rate = p.elapsedMs > 0 ? (p.done * 1000) / p.elapsedMs : 0
  const lines = p.total === undefined ? `${p.done} lines` : `${p.done}/${p.total} lines`
  const eta = p.total !== undefined && rate > 0 ? ` · ETA ${formatDuration(((p.total - p.done) / rate) * 1000)}` : ''
  return `${lines} · ${counts(p)} · ${rate.toFixed(0)} lines/s · ${p.requests} requests${eta}`
}

/** The bar's text: cli-progress draws the bar and estimates the ETA from recent progress. */
function barFormat(options: Options, params: Params, payload: { p: ProgressSnapshot; rate: number }): string {
  const { p, rate } = payload
  const known = p.total !== undefined && p.total > 0
  const eta = known && Number.isFinite(params.eta) && rate > 0 ? ` | ETA ${formatDuration(params.eta * 1000)}` : ''
  const template = known
    ? `{bar} {percentage}% | {value}/{total} lines | ${counts(p)} | ${rate.toFixed(0)}/s${eta}`
    : `{value} lines | ${counts(p)} | ${rate.toFixed(0)}/s`
  return Format.Formatter({ ...options, format: template }, params, payload)
}

export class Progress {
  private timer: NodeJS.Timeout | undefined
  private lastPlainAt = 0
  private multibar: MultiBar | undefined
  private bar: ReturnType<MultiBar['create']> | undefined
  private recent: Array<{ at: number; done: number }> = []

  constructor(
    private readonly stream: ProgressStream,
    readonly mode: ProgressMode,
    private readonly snapshot: () => ProgressSnapshot,
    private readonly redact: (text: string) => string = (t) => t,
    private readonly plainEveryMs = 10_000
  ) {}

  start(): void {
    if (this.mode === 'none') return
    if (this.mode === 'bar') {
      this.multibar = new MultiBar(
        {
          stream: this.stream as NodeJS.WritableStream,
          format: barFormat,
          hideCursor: false,
          clearOnComplete: false,
          stopOnComplete: false,
          etaBuffer: 200,
          fps: 5,
          barsize: 24
        },
        Presets.shades_classic
      )
      const p = this.snapshot()
      this.bar = this.multibar.create(p.total ?? 0, 0, { p, rate: 0 })
    }
    this.timer = setInterval(() => this.tick(), this.mode === 'bar' ? 200 : 1000)
  }

  /** Writes a message above the bar (e.g. a warning) without garbling it. */
  note(message: string): void {
    const text = `${this.redact(message)}\n`
    if (this.multibar) this.multibar.log(text)
    else this.stream.write(text)
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    if (this.multibar) {
      this.update()
      this.multibar.stop()
      this.multibar = undefined
    }
  }

  private tick(): void {
    if (this.mode === 'bar') return this.update()
    const p = this.snapshot()
    if (p.elapsedMs - this.lastPlainAt >= this.plainEveryMs) {
      this.lastPlainAt = p.elapsedMs
      this.stream.write(`progress: ${progressLine(p)}\n`)
    }
  }

  /** The bar shows the rate over the last 10 s (the average since the start hides slowdowns). */
  private update(): void {
    const p = this.snapshot()
    const now = Date.now()
    this.recent.push({ at: now, done: p.done })
    while (this.recent.length > 2 && now - this.recent[0].at > 10_000) this.recent.shift()
    const first = this.recent[0]
    const rate = now > first.at ? ((p.done - first.done) * 1000) / (now - first.at) : 0
    if (p.total !== undefined && this.bar?.getTotal() !== p.total) this.bar?.setTotal(p.total)
    this.bar?.update(p.done, { p, rate })
  }
}
