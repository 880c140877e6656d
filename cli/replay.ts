import type { Sandbox } from '../sandbox'
import { openInput } from './input'
import { checkNumbers, type ReplayOptions } from './replay-options'
import { Run } from './replay-run'
import type { ReplaySummary } from './summary'
import { openTarget, type Target } from './target'

// The replay: reads stored Segment events and sends each through the cloud destination's own actions, paced to
// Drift's rate limit, with bounded concurrency and per-user order, a checkpoint per target for resuming, and a
// rejects file for everything not delivered. Four steps: the target (openTarget, checkTarget), per-event delivery
// (sendEvent), the read loop (Run in replay-run.ts) and the summary (buildSummary).

export { UsageError } from './errors'
export { DEFAULT_DRIFT_API_BASE, SANDBOX_ACCOUNT_OWNER_ID } from './target'
export { DEFAULT_CONCURRENCY, DEFAULT_MAX_ATTEMPTS, type ReplayOptions } from './replay-options'

export interface ReplayResult {
  summary: ReplaySummary
  /** The embedded sandbox, still running, when `keepSandbox` was set. */
  sandbox?: Sandbox
}

export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  const started = Date.now()
  checkNumbers(options)
  // The input is checked before anything starts or is sent: a bad file is a usage error (exit 2).
  const lines = await openInput(options.input, options.stdin)
  let target: Target
  try {
    target = await openTarget(options)
  } catch (error) {
    await lines.return(undefined)
    throw error
  }
  const run = new Run(options, target, started)
  let keep = false
  try {
    await run.prepare()
    await run.readLoop(lines)
    keep = options.keepSandbox === true && !options.dryRun
  } finally {
    await lines.return(undefined)
    run.close()
    if (target.sandbox && !keep) await target.sandbox.close()
  }
  return { summary: run.summary(), sandbox: keep ? target.sandbox : undefined }
}
