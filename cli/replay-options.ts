import type { DestinationDefinition } from '@segment/actions-core'
import { createHash } from 'node:crypto'
import type { Readable } from 'node:stream'
import type { BackoffOptions } from '../destinations/drift/retry'
import type { SandboxOptions } from '../sandbox'
import { UsageError } from './errors'
import type { Rate } from './pacer'
import type { ProgressMode, ProgressStream } from './progress'
import { MIN_TOKEN_CHARS } from './redact'

// What a replay can be asked to do, its defaults, and the checks on its numbers before anything is opened.

export const DEFAULT_CONCURRENCY = 8
/** Transient failures (5xx, timeouts, dropped connections) an event outlasts; 429s do not count. */
export const DEFAULT_MAX_ATTEMPTS = 20

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
  /** Options for the embedded sandbox (state file, port, rate limit, faults, fidelity variants...). */
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
  /** Attempts per event after transient failures (5xx, timeouts), first included (default 20). 429s do not count. */
  maxAttempts?: number
  backoff?: BackoffOptions
  /** Per-request timeout in ms (default 10 s), for this replay's client only. */
  timeoutMs?: number
  /** The run stops retrying (429 waits included) this long after it started; default: no deadline. */
  deadlineMs?: number
  /** Checkpoint file; false: none. Default `<input>.<target>.checkpoint.json` for files, none for stdin. */
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

/** `events.ndjson.gz` → `events`: the stem the default checkpoint and rejects files are named after. */
const stem = (input: string): string => input.replace(/\.gz$/i, '').replace(/\.(ndjson|jsonl|json)$/i, '')
/** One checkpoint per input and target: `<stem>.<8 hex of the target key>.checkpoint.json`. */
export const defaultCheckpointFile = (input: string, targetKey: string): string | false =>
  input === '-'
    ? false
    : `${stem(input)}.${createHash('sha256').update(targetKey).digest('hex').slice(0, 8)}.checkpoint.json`
export const defaultRejectsFile = (input: string): string =>
  input === '-' ? 'replay.rejects.ndjson' : `${stem(input)}.rejects.ndjson`

/** Refuses out-of-range numbers and a token too short to be one, as a usage error (exit 2). */
export function checkNumbers(options: ReplayOptions): void {
  const whole = (name: string, value: number | undefined, min: number, max: number): void => {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
      throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`)
    }
  }
  whole('concurrency', options.concurrency, 1, 256)
  whole('max-attempts', options.maxAttempts, 1, 100)
  whole('timeout', options.timeoutMs, 1, 600_000)
  if (options.token !== undefined && options.token.length < MIN_TOKEN_CHARS) {
    throw new UsageError(`the token is too short to be a Drift API token (fewer than ${MIN_TOKEN_CHARS} characters)`)
  }
}
