import { createHash } from 'node:crypto'
import { resolve } from 'node:path'
import { classifyRetry, backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from '../destinations/drift/retry'
import { ALL_SCOPES, DEFAULT_SANDBOX_TOKEN, startSandbox, type Sandbox, type SandboxOptions } from '../sandbox'
import type { Delivery } from './deliver'
import { CredentialsError, UnreachableError, UsageError } from './errors'
import { sleep } from './pacer'
import { Redactor } from './redact'

// Where a replay sends: a recorder for a dry run, an embedded sandbox, or Drift (or anything speaking its API),
// and the token check that runs before any event, sorting a failure into credentials (3) or reachability (4).

export const DEFAULT_DRIFT_API_BASE = 'https://driftapi.com'
/** Owner of accounts created in an embedded sandbox (Drift requires one; the sandbox accepts any user id). */
export const SANDBOX_ACCOUNT_OWNER_ID = '1'
/** The token check gives up on a target that does not answer after this long (the address is named). */
export const REACH_DEADLINE_MS = 10_000

export interface TargetOptions {
  apiBase?: string
  token?: string
  sandbox?: boolean
  /** Options for the embedded sandbox (state file, port, rate limit, faults, fidelity variants...). */
  sandboxOptions?: SandboxOptions
  dryRun?: boolean
  settings?: Record<string, unknown>
}

export interface Target {
  kind: 'embedded' | 'remote' | 'dry-run'
  token: string
  /** Where requests really go (the sandbox's own address for a dry run or an embedded sandbox). */
  apiBase: string
  /** The address shown to people (Drift's, for a dry run). */
  shownBase: string
  sandbox?: Sandbox
  /** The destination settings, token included (never printed). */
  settings: Record<string, unknown>
  /**
   * What a checkpoint belongs to besides the input: the API origin and a fingerprint of the token (never the token
   * itself), or the state file of an embedded sandbox. Undefined: the target forgets everything (no checkpoint).
   */
  key?: string
  redactor: Redactor
}

/** A one-way fingerprint of the token: different tokens get different checkpoints, and the token is not kept. */
export const tokenFingerprint = (token: string): string =>
  createHash('sha256').update(`drift-destination checkpoint\u0000${token}`).digest('hex').slice(0, 16)

export function isRemote(options: TargetOptions): boolean {
  return !options.sandbox && (options.apiBase !== undefined || options.token !== undefined)
}

/** Starts what is needed (a sandbox) and says where the replay sends. */
export async function openTarget(options: TargetOptions): Promise<Target> {
  const remote = isRemote(options)
  if (remote && !options.token) throw new UsageError('--api-base needs a token: pass --token or set DRIFT_API_TOKEN')
  const token = remote ? (options.token as string) : DEFAULT_SANDBOX_TOKEN
  const shownBase = (remote ? (options.apiBase ?? DEFAULT_DRIFT_API_BASE) : DEFAULT_DRIFT_API_BASE).replace(/\/+$/, '')
  let sandbox: Sandbox | undefined
  let key: string | undefined
  if (options.dryRun) {
    sandbox = await startSandbox({ rateLimit: false, tokens: { [token]: ALL_SCOPES } })
  } else if (!remote) {
    sandbox = await startSandbox(options.sandboxOptions ?? {})
    const stateFile = options.sandboxOptions?.stateFile
    if (stateFile) key = `sandbox-state ${resolve(stateFile)}`
  } else {
    key = `${new URL(shownBase).origin} token:${tokenFingerprint(token)}`
  }
  const apiBase = sandbox ? sandbox.url : shownBase
  return {
    kind: options.dryRun ? 'dry-run' : remote ? 'remote' : 'embedded',
    token,
    apiBase,
    shownBase,
    sandbox,
    settings: {
      ...(remote ? {} : { accountOwnerId: SANDBOX_ACCOUNT_OWNER_ID }),
      ...options.settings,
      apiToken: token,
      apiBaseUrl: apiBase
    },
    key,
    redactor: new Redactor([token])
  }
}

export interface CheckOptions {
  signal: AbortSignal
  backoff?: BackoffOptions
  /** Lets the caller shorten each attempt's timeout to what is left of the deadline. */
  setDeadline: (at: number | undefined) => void
}

/**
 * The destination's own token check (`POST /app/token_info`), retried on pacing and transient failures for at
 * most REACH_DEADLINE_MS. Throws UsageError when the settings were refused before any request, CredentialsError
 * when the token was refused, UnreachableError when the target did not answer (or is not Drift's API).
 */
export async function checkTarget(delivery: Delivery, target: Target, options: CheckOptions): Promise<void> {
  const deadline = Date.now() + REACH_DEADLINE_MS
  const where = target.shownBase
  const answeredAtStart = delivery.answered
  options.setDeadline(deadline)
  try {
    for (let attempt = 1; ; attempt++) {
      const requestsBefore = delivery.stats.requests
      try {
        await delivery.checkAuthentication()
        return
      } catch (error) {
        const said = target.redactor.text((error as Error)?.message ?? String(error))
        const verdict = classifyRetry(error)
        if (delivery.stats.requests === requestsBefore) {
          throw new UsageError(`the destination refused its settings before any request: ${said}`)
        }
        if (verdict.kind === 'auth' || verdict.status === 403) {
          throw new CredentialsError(`${where} refused the token (${verdict.status ?? 401}): ${said}`)
        }
        if (verdict.kind === 'final') {
          throw new UnreachableError(
            `${where} answered ${verdict.status ?? 'with an error'} to the token check (POST /app/token_info): ` +
              `is it Drift's API origin? (${said})`
          )
        }
        const wait = backoffDelay(attempt, options.backoff ?? DEFAULT_BACKOFF, verdict.retryAfterMs)
        if (Date.now() + wait >= deadline) {
          const seconds = Math.round(REACH_DEADLINE_MS / 1000)
          throw new UnreachableError(
            delivery.answered === answeredAtStart
              ? `could not reach ${where}: no answer within ${seconds} s (${said})`
              : `${where} kept answering ${verdict.status} for ${seconds} s: try again later (${said})`
          )
        }
        await sleep(wait, options.signal)
      }
    }
  } finally {
    options.setDeadline(undefined)
  }
}
