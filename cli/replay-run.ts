import type { DestinationDefinition, JSONObject, SegmentEvent } from '@segment/actions-core'
import { setMaxListeners } from 'node:events'
import driftDestination, { DEFAULT_DRIFT_TIMEOUT_MS } from '../destinations/drift'
import { Checkpoint, fingerprintInput } from './checkpoint'
import { Delivery, type RequestRecord } from './deliver'
import { LaneScheduler } from './lanes'
import { DEFAULT_RATE, TokenBucket, type Rate } from './pacer'
import { Progress, chooseProgressMode } from './progress'
import { countLines, type ParsedLine } from './read-events'
import { RejectsFile, type Reject } from './rejects'
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_ATTEMPTS,
  defaultCheckpointFile,
  defaultRejectsFile,
  type ReplayOptions
} from './replay-options'
import { sendEvent } from './send-event'
import { buildSummary, type ReplaySummary } from './summary'
import { Tally } from './tally'
import { checkTarget, type Target } from './target'

// One replay once its target is open: the token check, the read loop that queues events per user, the delivery of
// each event (every outcome counted, every failure in the rejects file) and the summary.

/** Events read ahead of the workers at most (bounds memory whatever the input size). */
const MAX_PENDING = 2000
const CHECKPOINT_SAVE_MS = 2000
/** How many malformed lines are announced on stderr as they are read (all of them go to the rejects file). */
const MALFORMED_NOTES = 20

interface Item {
  line: number
  event: SegmentEvent
}

/** Events of one user share a lane so they arrive in order; events with no id each get their own. */
function laneKey(event: Record<string, unknown>, line: number): string {
  const id = event.userId ?? event.anonymousId
  if (typeof id === 'string' || typeof id === 'number') return `${event.userId != null ? 'u' : 'a'}:${id}`
  return `line:${line}`
}

/** One replay's state: the delivery client, checkpoint, rejects, tally and progress. */
export class Run {
  readonly stop = new AbortController()
  readonly delivery: Delivery
  readonly tally = new Tally()
  readonly lines = { read: 0, blank: 0, malformed: 0, alreadyDone: 0, unfinished: 0 }
  checkpoint?: Checkpoint
  rejects?: RejectsFile
  progress?: Progress
  stopped?: { cause: 'credentials'; message: string }
  retries = 0
  authRequests = 0
  finishedThisRun = 0
  total?: number
  private saveTimer?: NodeJS.Timeout
  private checkDeadline?: number
  private readonly rate: Rate | undefined
  private readonly onAbort = (): void => this.stop.abort()

  constructor(
    readonly options: ReplayOptions,
    readonly target: Target,
    readonly started: number
  ) {
    setMaxListeners(0, this.stop.signal) // every waiting worker listens to it
    options.signal?.addEventListener('abort', this.onAbort, { once: true })
    if (options.signal?.aborted) this.stop.abort()
    const dryRun = target.kind === 'dry-run'
    this.rate = dryRun || options.rate === null ? undefined : (options.rate ?? DEFAULT_RATE)
    const bucket = this.rate ? new TokenBucket(this.rate) : undefined
    const timeoutMs = options.timeoutMs ?? DEFAULT_DRIFT_TIMEOUT_MS
    this.delivery = new Delivery(
      options.definition ?? (driftDestination as DestinationDefinition<unknown>),
      target.settings as JSONObject,
      {
        // This client's timeout, shortened during the token check to what is left of its deadline.
        timeoutMs: () =>
          this.checkDeadline === undefined
            ? timeoutMs
            : Math.max(1, Math.min(timeoutMs, this.checkDeadline - Date.now())),
        beforeRequest: bucket ? () => bucket.take(this.stop.signal) : undefined,
        onRetryAfter: (ms) => bucket?.pauseUntil(Date.now() + ms),
        onResponse: dryRun ? (record) => this.printRequest(record) : undefined
      }
    )
  }

  private printRequest(record: RequestRecord): void {
    const { redactor, apiBase, shownBase } = this.target
    const url = record.url.replace(apiBase, shownBase)
    const body = record.body === undefined ? '' : ` ${redactor.json(record.body)}`
    const out = this.options.out ?? ((line: string) => process.stdout.write(`${line}\n`))
    out(redactor.text(`${record.method} ${url}${body}`))
  }

  get rejectsFile(): string {
    return this.options.rejects ?? defaultRejectsFile(this.options.input)
  }

  /** The token check (nothing is sent, and no file written, if it fails), then checkpoint, rejects and progress. */
  async prepare(): Promise<void> {
    const { options, target } = this
    const dryRun = target.kind === 'dry-run'
    if (!dryRun && !this.stop.signal.aborted) {
      await checkTarget(this.delivery, target, {
        signal: this.stop.signal,
        backoff: options.backoff,
        setDeadline: (at) => (this.checkDeadline = at)
      })
      this.authRequests = this.delivery.stats.requests
    }
    // A target that forgets everything when the process ends (an embedded sandbox without a state file) has
    // nothing to resume into: no checkpoint.
    const checkpointFile =
      dryRun || target.key === undefined
        ? (options.checkpoint ?? false)
        : (options.checkpoint ?? defaultCheckpointFile(options.input, target.key))
    if (checkpointFile && !dryRun) {
      this.checkpoint = Checkpoint.open(
        checkpointFile,
        fingerprintInput(options.input, target.key ?? `${target.kind} ${target.apiBase}`),
        options.fresh === true
      )
    }
    if (!dryRun) {
      this.rejects = new RejectsFile(this.rejectsFile, target.redactor, (this.checkpoint?.resumedLines ?? 0) > 0)
    }
    const stream = options.progressStream ?? process.stderr
    this.progress = new Progress(
      stream,
      options.progress ?? chooseProgressMode(stream, false),
      () => this.progressSnapshot(),
      (text) => target.redactor.text(text)
    )
    if (this.progress.mode !== 'none') {
      countLines(options.input).then(
        (n) => (this.total = n),
        () => undefined
      )
    }
  }

  private progressSnapshot() {
    const totals = this.tally.totals()
    return {
      done: this.finishedThisRun,
      total: this.total === undefined ? undefined : Math.max(0, this.total - (this.checkpoint?.resumedLines ?? 0)),
      sent: totals.sent,
      notDelivered: totals.failed + this.lines.malformed,
      skipped: totals.skipped,
      requests: this.delivery.stats.requests,
      elapsedMs: Date.now() - this.started
    }
  }

  private finish(line: number): void {
    this.checkpoint?.finish(line)
    this.finishedThisRun++
  }

  private reject(r: Reject): void {
    this.rejects?.write(r)
    this.finish(r.line)
  }

  /** One event through sendEvent; every outcome is counted, every failure lands in rejects. Never throws. */
  private async processItem({ line, event }: Item): Promise<void> {
    const type = event.type
    const { redactor } = this.target
    try {
      const outcome = await sendEvent(event, {
        delivery: this.delivery,
        maxAttempts: this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        backoff: this.options.backoff,
        deadline: this.options.deadlineMs === undefined ? undefined : this.started + this.options.deadlineMs,
        signal: this.stop.signal,
        onRetry: () => this.retries++
      })
      if (outcome.kind === 'sent') {
        this.tally.count(type, 'sent', line)
        return this.finish(line)
      }
      if (outcome.kind === 'skipped') {
        // Counted under its cause ("no consent"); the rejects file has the details (which categories, why).
        this.tally.skip(type, line, outcome.label, outcome.label)
        return this.reject({ line, type, outcome: 'skipped', reason: redactor.text(outcome.reason), event })
      }
      if (outcome.kind === 'credentials') {
        this.stopped ??= {
          cause: 'credentials',
          message: redactor.text(`${this.target.shownBase} refused the token (401): ${outcome.reason}`)
        }
        this.stop.abort()
      }
      if (outcome.kind !== 'rejected') return void this.lines.unfinished++
      const reason = redactor.text(outcome.reason)
      this.tally.count(type, 'failed', line, reason, outcome.outcome)
      this.reject({
        line,
        type,
        outcome: outcome.outcome,
        reason,
        status: outcome.status,
        attempts: outcome.attempts,
        event
      })
    } catch (error) {
      const reason = redactor.text(`internal error: ${(error as Error)?.message ?? String(error)}`)
      this.tally.count(type, 'failed', line, reason)
      this.reject({ line, type, outcome: 'failed', reason, event })
    }
  }

  /** Reads every line: finished ones (checkpoint) are skipped, bad ones rejected, events queued per user. */
  async readLoop(lines: AsyncGenerator<ParsedLine>): Promise<void> {
    const scheduler = new LaneScheduler<Item>(this.options.concurrency ?? DEFAULT_CONCURRENCY, (item) =>
      this.processItem(item)
    )
    const progress = this.progress as Progress
    progress.start()
    if (this.checkpoint) this.saveTimer = setInterval(() => this.checkpoint?.saveIfChanged(), CHECKPOINT_SAVE_MS)
    const signal = this.stop.signal
    if (!signal.aborted) {
      for await (const parsed of lines) {
        if (signal.aborted) break
        this.lines.read++
        if (this.checkpoint?.has(parsed.line)) {
          this.lines.alreadyDone++
          continue
        }
        if (parsed.kind === 'blank') {
          this.lines.blank++
          this.finish(parsed.line)
        } else if (parsed.kind === 'malformed') {
          const n = ++this.lines.malformed
          if (n <= MALFORMED_NOTES) progress.note(`warning: malformed line ${parsed.line}: ${parsed.reason}`)
          if (n === MALFORMED_NOTES) progress.note('warning: more malformed lines: see the rejects file')
          this.tally.reason('malformed', '-', parsed.reason, parsed.line)
          this.reject({ line: parsed.line, outcome: 'malformed', reason: parsed.reason, raw: parsed.raw })
        } else if (!this.delivery.supports(parsed.event.type)) {
          const type = parsed.event.type.slice(0, 50)
          const reason = `unsupported event type "${type}" (supported: identify, track, page, screen, group)`
          this.tally.skip(type, parsed.line, 'unsupported event type', reason)
          this.reject({ line: parsed.line, type: parsed.event.type, outcome: 'skipped', reason, event: parsed.event })
        } else {
          await scheduler.waitForRoom(MAX_PENDING)
          if (signal.aborted) break
          const event = parsed.event as unknown as SegmentEvent
          scheduler.push(laneKey(parsed.event, parsed.line), { line: parsed.line, event })
        }
      }
    }
    await scheduler.drain()
    this.lines.unfinished += scheduler.queued
    if (!signal.aborted && this.lines.unfinished > 0) {
      throw new Error(`internal error: ${this.lines.unfinished} events were neither delivered nor rejected`)
    }
  }

  get complete(): boolean {
    return !this.stop.signal.aborted && this.lines.unfinished === 0
  }

  close(): void {
    if (this.saveTimer) clearInterval(this.saveTimer)
    this.progress?.stop()
    this.options.signal?.removeEventListener('abort', this.onAbort)
    this.rejects?.close()
    this.checkpoint?.close(this.complete)
  }

  summary(): ReplaySummary {
    const dryRun = this.target.kind === 'dry-run'
    return buildSummary({
      input: this.options.input,
      target: {
        kind: this.target.kind,
        apiBase: dryRun ? this.target.shownBase : this.target.apiBase,
        page: !dryRun && this.target.sandbox ? `${this.target.sandbox.url}/` : undefined
      },
      complete: this.complete,
      interrupted: this.stop.signal.aborted && this.stopped === undefined,
      stopped: this.stopped,
      lines: this.lines,
      tally: this.tally,
      stats: this.delivery.stats,
      authRequests: this.authRequests,
      retries: this.retries,
      elapsedMs: Date.now() - this.started,
      rate: this.rate,
      concurrency: this.options.concurrency ?? DEFAULT_CONCURRENCY,
      rejects: { file: dryRun ? '(dry run: none written)' : this.rejectsFile, written: this.rejects?.written ?? 0 },
      checkpoint: this.checkpoint?.file
    })
  }
}
