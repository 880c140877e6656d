import type { DestinationDefinition, JSONObject, SegmentEvent } from '@segment/actions-core'
import { setMaxListeners } from 'node:events'
import type { Readable } from 'node:stream'
import driftDestination, { DEFAULT_DRIFT_TIMEOUT_MS, setDriftRequestTimeout } from '../destinations/drift'
import { ALL_SCOPES, DEFAULT_SANDBOX_TOKEN, startSandbox, type Sandbox, type SandboxOptions } from '../sandbox'
import { Checkpoint, fingerprintInput } from './checkpoint'
import { Delivery, type DeliveryResult, type RequestRecord } from './deliver'
import { LaneScheduler } from './lanes'
import {
  AbortedError,
  DEFAULT_BACKOFF,
  DEFAULT_RATE,
  TokenBucket,
  backoffDelay,
  formatRate,
  sleep,
  type BackoffOptions,
  type Rate
} from './pacer'
import { Progress, chooseProgressMode, type ProgressMode, type ProgressStream } from './progress'
import { countLines, readEvents } from './read-events'
import { Redactor } from './redact'
import { RejectsFile, type Reject } from './rejects'
import { Tally, type ReplaySummary } from './summary'

// The replay: reads stored Segment events and sends each through the cloud destination's own actions, paced to
// Drift's rate limit, with bounded concurrency and per-user order, a checkpoint for resuming, and a rejects file
// for everything not delivered.

export const DEFAULT_CONCURRENCY = 8
export const DEFAULT_MAX_ATTEMPTS = 8
/** Events read ahead of the workers at most (bounds memory whatever the input size). */
export const MAX_PENDING = 2000
const CHECKPOINT_SAVE_MS = 2000
export const DEFAULT_DRIFT_API_BASE = 'https://driftapi.com'
/** Owner of accounts created in an embedded sandbox (Drift requires one; the sandbox accepts any user id). */
export const SANDBOX_ACCOUNT_OWNER_ID = '1'

export interface ReplayOptions {
  /** A file path (NDJSON, gzip or not) or '-' for stdin. */
  input: string
  /** stdin for '-' (default process.stdin). */
  stdin?: Readable
  /** Drift's API origin; with `token`, the replay targets it. Neither: an embedded sandbox. */
  apiBase?: string
  token?: string
  /** Ignore apiBase/token and start an embedded sandbox. */
  sandbox?: boolean
  /** Options for the embedded sandbox (state file, rate limit, faults...). */
  sandboxOptions?: SandboxOptions
  /** Keep the embedded sandbox running after the replay (returned as `sandbox`; the caller closes it). */
  keepSandbox?: boolean
  /** Print the requests instead of sending them (answers come from an in-process recorder). */
  dryRun?: boolean
  /** Further destination settings (accountOwnerId, dateUnit, separator, blockedUserIds). */
  settings?: Record<string, unknown>
  /** Pacing; `null` turns it off. Default 1000 per 20 s. */
  rate?: Rate | null
  concurrency?: number
  /** Attempts per event, first included (default 8). */
  maxAttempts?: number
  backoff?: BackoffOptions
  /** Per-request timeout in ms (default 10 s). */
  timeoutMs?: number
  /** Checkpoint file; false: none. Default `<input>.checkpoint.json` for files, none for stdin. */
  checkpoint?: string | false
  /** Ignore an existing checkpoint and start over. */
  fresh?: boolean
  /** Rejects file. Default `<input>.rejects.ndjson`, or `./replay.rejects.ndjson` for stdin. */
  rejects?: string
  /** Stops the run: in-flight events finish, nothing new starts, the checkpoint is saved. */
  signal?: AbortSignal
  /** Where dry-run requests go (default stdout). */
  out?: (line: string) => void
  /** Progress output (default stderr) and mode (default: a bar on a TTY, plain lines otherwise). */
  progressStream?: ProgressStream
  progress?: ProgressMode
  /** The destination (default: this package's cloud destination). */
  definition?: DestinationDefinition<unknown>
}

export interface ReplayResult {
  summary: ReplaySummary
  /** The embedded sandbox, still running, when `keepSandbox` was set. */
  sandbox?: Sandbox
}

/** A usage problem (bad option): the CLI exits 2. */
export class UsageError extends Error {}

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

/** `events.ndjson.gz` → `events`: the stem the default checkpoint and rejects files are named after. */
const stem = (input: string): string => input.replace(/\.gz$/i, '').replace(/\.(ndjson|jsonl|json)$/i, '')
export const defaultCheckpointFile = (input: string): string | false =>
  input === '-' ? false : `${stem(input)}.checkpoint.json`
export const defaultRejectsFile = (input: string): string =>
  input === '-' ? 'replay.rejects.ndjson' : `${stem(input)}.rejects.ndjson`
/** How many malformed lines are announced on stderr as they are read (all of them go to the rejects file). */
const MALFORMED_NOTES = 20

export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  const started = Date.now()
  const input = options.input
  const dryRun = options.dryRun === true
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw new UsageError('--concurrency must be a whole number from 1 to 256')
  }
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100) {
    throw new UsageError('--max-attempts must be a whole number from 1 to 100')
  }
  const remote = !options.sandbox && (options.apiBase !== undefined || options.token !== undefined)
  if (remote && !options.token) {
    throw new UsageError('--api-base needs a token: pass --token or set DRIFT_API_TOKEN')
  }
  const redactor = new Redactor([options.token, remote ? undefined : DEFAULT_SANDBOX_TOKEN])
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`))

  // Stops everything: the caller's signal, or a fatal error (the token was refused).
  const stop = new AbortController()
  setMaxListeners(0, stop.signal) // every waiting worker listens to it
  let fatal: string | undefined
  /** Requests made by the token check, kept apart from the per-event cost. */
  let authRequests = 0
  const onAbort = (): void => stop.abort()
  options.signal?.addEventListener('abort', onAbort, { once: true })
  if (options.signal?.aborted) stop.abort()

  // Target: a recorder for a dry run, Drift (or anything speaking its API), or an embedded sandbox.
  const token = remote ? (options.token as string) : DEFAULT_SANDBOX_TOKEN
  const shownBase = (remote ? (options.apiBase ?? DEFAULT_DRIFT_API_BASE) : DEFAULT_DRIFT_API_BASE).replace(/\/+$/, '')
  let sandbox: Sandbox | undefined
  if (dryRun) {
    sandbox = await startSandbox({ rateLimit: false, tokens: { [token]: ALL_SCOPES } })
  } else if (!remote) {
    sandbox = await startSandbox(options.sandboxOptions ?? {})
  }
  const apiBase = sandbox ? sandbox.url : shownBase
  const settings: Record<string, unknown> = {
    ...(remote ? {} : { accountOwnerId: SANDBOX_ACCOUNT_OWNER_ID }),
    ...options.settings,
    apiToken: token,
    apiBaseUrl: apiBase
  }
  const rate = dryRun ? undefined : options.rate === null ? undefined : (options.rate ?? DEFAULT_RATE)
  const bucket = rate ? new TokenBucket(rate) : undefined

  const printRequest = (record: RequestRecord): void => {
    const url = record.url.replace(apiBase, shownBase)
    const body = record.body === undefined ? '' : ` ${redactor.json(record.body)}`
    out(redactor.text(`${record.method} ${url}${body}`))
  }
  const delivery = new Delivery(
    options.definition ?? (driftDestination as DestinationDefinition<unknown>),
    settings as JSONObject,
    {
      beforeRequest: bucket ? () => bucket.take(stop.signal) : undefined,
      onRetryAfter: (ms) => bucket?.pauseUntil(Date.now() + ms),
      onResponse: dryRun ? printRequest : undefined
    }
  )

  // Files: checkpoint and rejects. A dry run writes neither.
  // An embedded sandbox without a state file forgets everything when the process ends: nothing to resume into.
  const forgetful = !remote && !options.sandboxOptions?.stateFile
  const checkpointFile = dryRun ? false : (options.checkpoint ?? (forgetful ? false : defaultCheckpointFile(input)))
  let checkpoint: Checkpoint | undefined
  let rejects: RejectsFile | undefined
  const rejectsFile = options.rejects ?? defaultRejectsFile(input)
  const tally = new Tally()
  const lines = { read: 0, blank: 0, malformed: 0, alreadyDone: 0, unfinished: 0 }
  let finishedThisRun = 0
  let failed = 0
  let retries = 0
  let total: number | undefined
  let saveTimer: NodeJS.Timeout | undefined
  let progress: Progress | undefined
  let succeeded = false
  if (options.timeoutMs !== undefined) setDriftRequestTimeout(options.timeoutMs)

  try {
    if (input !== '-') {
      try {
        fingerprintInput(input)
      } catch (error) {
        throw new UsageError(
          `Cannot read ${input}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`
        )
      }
    }
    if (checkpointFile) checkpoint = Checkpoint.open(checkpointFile, fingerprintInput(input), options.fresh === true)
    if (!dryRun) rejects = new RejectsFile(rejectsFile, redactor, (checkpoint?.resumedLines ?? 0) > 0)

    const finish = (line: number): void => {
      checkpoint?.finish(line)
      finishedThisRun++
    }
    const reject = (r: Reject): void => {
      rejects?.write(r)
      failed++
      finish(r.line)
    }

    const progressStream = options.progressStream ?? process.stderr
    progress = new Progress(
      progressStream,
      options.progress ?? chooseProgressMode(progressStream, false),
      () => ({
        done: finishedThisRun,
        total: total === undefined ? undefined : Math.max(0, total - (checkpoint?.resumedLines ?? 0)),
        failed,
        requests: delivery.stats.requests,
        elapsedMs: Date.now() - started
      }),
      (text) => redactor.text(text)
    )
    if (progress.mode === 'bar') {
      countLines(input).then(
        (n) => (total = n),
        () => undefined
      )
    }

    // Check the token first: a refused token stops the run before any event is sent.
    if (!dryRun) {
      const check = await withRetries(() => delivery.checkAuthentication(), maxAttempts, options.backoff, stop.signal)
      authRequests = delivery.stats.requests
      if (!check.ok) {
        fatal = redactor.text(`Drift refused the token check: ${check.reason}`)
        stop.abort()
      }
    }

    // One event, all its attempts. Never throws: every outcome is counted, and every failure lands in rejects.
    const processItem = async ({ line, event }: Item): Promise<void> => {
      const type = event.type
      try {
        for (let attempt = 1; ; attempt++) {
          if (stop.signal.aborted) return void lines.unfinished++
          const result: DeliveryResult = await delivery.send(event)
          if (result.ok) {
            tally.count(type, 'sent', line)
            return finish(line)
          }
          // Stopping (interrupt or refused token): this event is neither delivered nor rejected; a resumed run sends it.
          if (stop.signal.aborted) return void lines.unfinished++
          if (result.kind === 'fatal') {
            fatal = redactor.text(`Drift refused the token (401): ${result.reason}`)
            stop.abort()
            return void lines.unfinished++
          }
          const reason = redactor.text(result.reason)
          if (result.kind === 'retry' && attempt < maxAttempts) {
            retries++
            try {
              await sleep(backoffDelay(attempt, options.backoff ?? DEFAULT_BACKOFF, result.retryAfterMs), stop.signal)
            } catch (error) {
              if (error instanceof AbortedError) return void lines.unfinished++
              throw error
            }
            continue
          }
          const outcome = result.beforeSending ? 'invalid' : 'failed'
          const why = result.kind === 'retry' ? `${reason} (gave up after ${attempt} attempts)` : reason
          tally.count(type, 'failed', line, why, outcome)
          return reject({ line, type, outcome, reason: why, status: result.status, attempts: attempt, event })
        }
      } catch (error) {
        const reason = redactor.text(`internal error: ${(error as Error)?.message ?? String(error)}`)
        tally.count(type, 'failed', line, reason)
        reject({ line, type, outcome: 'failed', reason, event })
      }
    }

    const scheduler = new LaneScheduler<Item>(concurrency, processItem)
    progress.start()
    if (checkpoint) saveTimer = setInterval(() => checkpoint?.saveIfChanged(), CHECKPOINT_SAVE_MS)

    if (!stop.signal.aborted) {
      for await (const parsed of readEvents(input, options.stdin)) {
        if (stop.signal.aborted) break
        lines.read++
        if (checkpoint?.has(parsed.line)) {
          lines.alreadyDone++
          continue
        }
        if (parsed.kind === 'blank') {
          lines.blank++
          finish(parsed.line)
        } else if (parsed.kind === 'malformed') {
          lines.malformed++
          const reason = `line ${parsed.line}: ${parsed.reason}`
          if (lines.malformed <= MALFORMED_NOTES) progress.note(`warning: malformed ${reason}`)
          if (lines.malformed === MALFORMED_NOTES) progress.note('warning: more malformed lines: see the rejects file')
          tally.reason('malformed', '-', parsed.reason, parsed.line)
          reject({ line: parsed.line, outcome: 'malformed', reason: parsed.reason, raw: parsed.raw })
        } else if (!delivery.supports(parsed.event.type)) {
          const reason = `unsupported event type "${parsed.event.type.slice(0, 50)}" (supported: identify, track, page, screen, group)`
          tally.count(parsed.event.type.slice(0, 50), 'skipped', parsed.line, reason)
          reject({ line: parsed.line, type: parsed.event.type, outcome: 'skipped', reason, event: parsed.event })
        } else {
          await scheduler.waitForRoom(MAX_PENDING)
          if (stop.signal.aborted) break
          scheduler.push(laneKey(parsed.event, parsed.line), {
            line: parsed.line,
            event: parsed.event as unknown as SegmentEvent
          })
        }
      }
    }
    await scheduler.drain()
    lines.unfinished += scheduler.queued
    if (!stop.signal.aborted && lines.unfinished > 0) {
      throw new Error(`internal error: ${lines.unfinished} events were neither delivered nor rejected`)
    }
    succeeded = true
  } finally {
    if (saveTimer) clearInterval(saveTimer)
    progress?.stop()
    options.signal?.removeEventListener('abort', onAbort)
    if (options.timeoutMs !== undefined) setDriftRequestTimeout(DEFAULT_DRIFT_TIMEOUT_MS)
    rejects?.close()
    const complete = !stop.signal.aborted && lines.unfinished === 0
    try {
      checkpoint?.close(complete)
    } finally {
      if (sandbox && (dryRun || !options.keepSandbox || !succeeded)) await sandbox.close()
    }
  }

  const elapsedMs = Date.now() - started
  const totals = tally.totals()
  const byStatus = { ...delivery.stats.byStatus }
  const answered = Object.values(byStatus).reduce((a, b) => a + b, 0)
  const summary: ReplaySummary = {
    input,
    target: {
      kind: dryRun ? 'dry-run' : remote ? 'remote' : 'embedded',
      apiBase: dryRun ? shownBase : apiBase,
      page: !dryRun && sandbox ? `${sandbox.url}/` : undefined
    },
    complete: !stop.signal.aborted && lines.unfinished === 0,
    interrupted: stop.signal.aborted && fatal === undefined,
    fatal,
    lines,
    byType: Object.fromEntries(tally.byType),
    totals,
    reasons: tally.reasonList(),
    http: {
      requests: delivery.stats.requests,
      authRequests,
      perEvent: totals.sent > 0 ? (delivery.stats.requests - authRequests) / totals.sent : 0,
      byStatus,
      noAnswer: Math.max(0, delivery.stats.requests - answered),
      retries
    },
    elapsedMs,
    eventsPerSecond: elapsedMs > 0 ? (totals.sent * 1000) / elapsedMs : 0,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    rate: formatRate(rate),
    concurrency,
    rejects: { file: dryRun ? '(dry run: none written)' : rejectsFile, written: rejects?.written ?? 0 },
    checkpoint: checkpoint?.file,
    notes: []
  }
  return { summary, sandbox: !dryRun && options.keepSandbox ? sandbox : undefined }
}

/** Runs `attempt` up to `maxAttempts` times while it fails with a retryable error (used for the token check). */
async function withRetries(
  attempt: () => Promise<void>,
  maxAttempts: number,
  backoff: BackoffOptions | undefined,
  signal: AbortSignal
): Promise<{ ok: true } | { ok: false; reason: string }> {
  for (let n = 1; ; n++) {
    try {
      await attempt()
      return { ok: true }
    } catch (error) {
      const reason = (error as Error)?.message ?? String(error)
      const retryable = /\b(429|5\d\d|408)\b|rate limit|timeout|could not be reached|network error/i.test(reason)
      if (!retryable || n >= maxAttempts || signal.aborted) return { ok: false, reason }
      try {
        await sleep(backoffDelay(n, backoff ?? DEFAULT_BACKOFF), signal)
      } catch {
        return { ok: false, reason }
      }
    }
  }
}
