import type { Readable } from 'node:stream'
import { parseArgs } from 'node:util'
import { cloudSettingProblem } from '../shared/cloud-settings-rules'
import { CheckpointMismatchError } from './checkpoint'
import { DEFAULT_RATE, parseRate } from './pacer'
import type { ProgressMode, ProgressStream } from './progress'
import { Redactor } from './redact'
import { DEFAULT_CONCURRENCY, DEFAULT_MAX_ATTEMPTS, UsageError, replay, type ReplayOptions } from './replay'
import { formatSummary, type ReplaySummary } from './summary'

// `drift-destination replay <events.ndjson | ->`: command-line parsing only; the work is in ./replay.

export const EXIT = { ok: 0, fatal: 1, usage: 2, interrupted: 130 } as const

export const USAGE = `Usage: drift-destination replay <events.ndjson[.gz] | -> [options]

Sends stored Segment events (identify, track, page, screen, group; one JSON object per line, gzip accepted) to
Drift through the cloud destination's actions. Without --api-base/--token (or DRIFT_API_TOKEN) it starts an
embedded Drift sandbox and replays into it.

Target
  --api-base <url>         Drift API origin (default https://driftapi.com when a token is given)
  --token <token>          Drift API token; prefer the DRIFT_API_TOKEN environment variable
  --sandbox                use an embedded sandbox even if DRIFT_API_TOKEN is set
  --state-file <file>      embedded sandbox: load its state from / save it to this file
  --keep-open              embedded sandbox: keep serving it (and its page) after the replay until Ctrl-C
  --port <n>               embedded sandbox port (default: any free port)
  --dry-run                print the Drift requests instead of sending them (answers come from an
                           in-process recorder that starts empty, like a new Drift account)
Pacing
  --rate <n/window>        request rate limit to stay under, e.g. 1000/20s (default), 500/2s, or off
  --concurrency <n>        users replayed at once (default ${DEFAULT_CONCURRENCY}); one user's events stay in order
  --max-attempts <n>       attempts per event on 429/5xx/timeouts (default ${DEFAULT_MAX_ATTEMPTS})
  --timeout <ms>           per-request timeout (default 10000)
Files
  --checkpoint <file>      resume point (default <input>.checkpoint.json for files when the target keeps
                           state; none for stdin or an embedded sandbox without --state-file)
  --no-checkpoint          do not write or read a checkpoint
  --fresh                  ignore an existing checkpoint and start over
  --rejects <file>         events not delivered, with reasons (default <input>.rejects.ndjson)
Destination settings
  --account-owner-id <id>  Drift user id owning accounts created from group calls
  --date-unit <unit>       seconds (default) or milliseconds
  --separator <s>          joins nested keys (default _)
Output
  --json                   print the summary as JSON on stdout
  --quiet                  no progress on stderr
  -h, --help

Exit codes: 0 the replay ran to the end (even with rejects), 1 fatal error (e.g. the token was refused),
2 usage error, 130 interrupted (Ctrl-C or SIGTERM; resume with the same command).`

export interface CliIO {
  stdout: { write(text: string): unknown }
  stderr: ProgressStream
  stdin?: Readable
  env?: Record<string, string | undefined>
  /** Interrupt (SIGINT/SIGTERM in the bin). */
  signal?: AbortSignal
}

/** The flags that set the destination settings of the same names. */
const SETTING_FLAGS = [
  ['account-owner-id', 'accountOwnerId'],
  ['date-unit', 'dateUnit'],
  ['separator', 'separator']
] as const

const OPTIONS = {
  'api-base': { type: 'string' },
  token: { type: 'string' },
  sandbox: { type: 'boolean' },
  'state-file': { type: 'string' },
  'keep-open': { type: 'boolean' },
  port: { type: 'string' },
  'dry-run': { type: 'boolean' },
  rate: { type: 'string' },
  concurrency: { type: 'string' },
  'max-attempts': { type: 'string' },
  timeout: { type: 'string' },
  checkpoint: { type: 'string' },
  'no-checkpoint': { type: 'boolean' },
  fresh: { type: 'boolean' },
  rejects: { type: 'string' },
  'account-owner-id': { type: 'string' },
  'date-unit': { type: 'string' },
  separator: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' }
} as const

function wholeNumber(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got "${text}")`)
  }
  return Number(text)
}

/** Turns arguments into replay options; throws UsageError naming the option and the rule. */
export function parseReplayArgs(
  args: string[],
  env: Record<string, string | undefined>
): { options: ReplayOptions; json: boolean; quiet: boolean } | 'help' {
  let parsed
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const v = parsed.values
  if (v.help) return 'help'
  const [command, input, ...extra] = parsed.positionals
  if (command !== 'replay') {
    throw new UsageError(command === undefined ? 'missing command: replay' : `unknown command "${command}"`)
  }
  if (input === undefined) throw new UsageError('missing input: a file of events (NDJSON) or - for stdin')
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}" (one input at a time)`)
  if (v.checkpoint !== undefined && v['no-checkpoint']) {
    throw new UsageError('--checkpoint and --no-checkpoint cannot be used together')
  }
  let rate: ReplayOptions['rate']
  try {
    rate = v.rate === undefined ? DEFAULT_RATE : (parseRate(v.rate) ?? null)
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const sandbox = v.sandbox === true || v['state-file'] !== undefined || v['keep-open'] === true
  const token = v.token ?? (env.DRIFT_API_TOKEN || undefined)
  if (sandbox && (v['api-base'] !== undefined || v.token !== undefined)) {
    throw new UsageError('--sandbox, --state-file and --keep-open use an embedded sandbox: drop --api-base/--token')
  }
  const port = wholeNumber('port', v.port, 0, 65535)
  // Checked here by the destination's own rules, so a bad value stops the command (exit 2) before any request.
  const settings: Record<string, unknown> = {}
  for (const [flag, setting] of SETTING_FLAGS) {
    const value = v[flag]
    if (value === undefined) continue
    const problem = cloudSettingProblem(setting, value)
    if (problem) throw new UsageError(`--${flag}: ${problem}`)
    settings[setting] = value
  }
  const options: ReplayOptions = {
    input,
    apiBase: sandbox ? undefined : v['api-base'],
    token: sandbox ? undefined : token,
    sandbox,
    sandboxOptions: { stateFile: v['state-file'], port },
    keepSandbox: v['keep-open'] === true && !v['dry-run'],
    dryRun: v['dry-run'] === true,
    settings,
    rate,
    concurrency: wholeNumber('concurrency', v.concurrency, 1, 256),
    maxAttempts: wholeNumber('max-attempts', v['max-attempts'], 1, 100),
    timeoutMs: wholeNumber('timeout', v.timeout, 1, 600_000),
    checkpoint: v['no-checkpoint'] ? false : v.checkpoint,
    fresh: v.fresh === true,
    rejects: v.rejects
  }
  return { options, json: v.json === true, quiet: v.quiet === true }
}

/** Lines telling a person where to look after the replay. */
function whereToLook(summary: ReplaySummary, keepOpen: boolean, stateFile: string | undefined): string[] {
  if (summary.target.kind !== 'embedded') return []
  if (keepOpen)
    return [`The sandbox keeps running: open ${summary.target.page} to see what Drift received. Ctrl-C stops it.`]
  const later = stateFile
    ? `npm run sandbox -- --state ${stateFile}   (serves the page with this replay's data)`
    : 'replay again with --keep-open (or --state-file <file>, then npm run sandbox -- --state <file>)'
  return [
    `The embedded sandbox stopped with this command. To look at the page: ${later}`,
    'To send to Drift: --token <token> (or DRIFT_API_TOKEN) [--api-base <url>]'
  ]
}

/** Runs the command; returns the exit code. Never throws. */
export async function main(args: string[], io: CliIO): Promise<number> {
  const env = io.env ?? process.env
  const redactor = new Redactor([env.DRIFT_API_TOKEN, ...tokenArgs(args)])
  const say = (text: string): void => void io.stderr.write(`${redactor.text(text)}\n`)
  let parsed: ReturnType<typeof parseReplayArgs>
  try {
    parsed = parseReplayArgs(args, env)
  } catch (error) {
    say(`drift-destination: ${(error as Error).message}\n\n${USAGE}`)
    return EXIT.usage
  }
  if (parsed === 'help') {
    io.stdout.write(`${USAGE}\n`)
    return EXIT.ok
  }
  const { options, json, quiet } = parsed
  const progress: ProgressMode | undefined = quiet ? 'none' : undefined
  try {
    const { summary, sandbox } = await replay({
      ...options,
      stdin: io.stdin,
      signal: io.signal,
      progressStream: io.stderr,
      progress,
      out: (line) => void io.stdout.write(`${json ? redactor.json({ request: line }) : line}\n`)
    })
    summary.notes.push(...whereToLook(summary, sandbox !== undefined, options.sandboxOptions?.stateFile))
    io.stdout.write(`${json ? redactor.json(summary) : redactor.text(formatSummary(summary))}\n`)
    if (sandbox) {
      // --keep-open: serve the sandbox until interrupted.
      const signal = io.signal
      if (signal && !signal.aborted)
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()))
      await sandbox.close()
    }
    if (summary.fatal) return EXIT.fatal
    if (summary.interrupted) {
      if (summary.checkpoint) say(`Interrupted: run the same command again to resume from ${summary.checkpoint}.`)
      return EXIT.interrupted
    }
    return EXIT.ok
  } catch (error) {
    if (error instanceof UsageError || error instanceof CheckpointMismatchError) {
      say(`drift-destination: ${error.message}`)
      return EXIT.usage
    }
    say(`drift-destination: fatal error: ${(error as Error)?.message ?? String(error)}`)
    return EXIT.fatal
  }
}

/** Values given to --token, so they are redacted even from usage errors. */
function tokenArgs(args: string[]): string[] {
  const out: string[] = []
  args.forEach((arg, i) => {
    if (arg === '--token' && i + 1 < args.length) out.push(args[i + 1])
    else if (arg.startsWith('--token=')) out.push(arg.slice('--token='.length))
  })
  return out
}
