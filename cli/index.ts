import { Command, CommanderError } from 'commander'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Readable } from 'node:stream'
import { CliError, EXIT } from './errors'
import { replayOptionsFrom } from './flags'
import type { ProgressStream } from './progress'
import { Redactor } from './redact'
import { DEFAULT_CONCURRENCY, DEFAULT_MAX_ATTEMPTS, replay } from './replay'
import { addVariantOptions, serveSandbox } from './sandbox-command'
import { exitCodeOf, formatSummary, type ReplaySummary } from './summary'

// The `drift-destination` command: `replay` and `sandbox`, parsed by commander (help, version and clear errors at
// every level). The work is in ./replay and ./sandbox-command; this file maps outcomes to exit codes.

export { EXIT } from './errors'

export interface CliIO {
  stdout: { write(text: string): unknown }
  stderr: ProgressStream
  stdin?: Readable
  env?: Record<string, string | undefined>
  /** Interrupt (SIGINT/SIGTERM, or a broken pipe, in the bin). */
  signal?: AbortSignal
}

/** This package's version, from the package.json above this file (source or dist). */
export function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string }
      if (pkg.name === 'drift-analytics-destination' && pkg.version) return pkg.version
    } catch {
      // not here: look one folder up
    }
  }
  return 'unknown'
}

const EXIT_CODES_HELP = `
Exit codes:
  0  every event delivered, or deliberately skipped (e.g. alias)
  1  some events were not delivered (each is in the rejects file with its reason)
  2  usage or configuration error (bad flag, bad URL, unreadable or unusable input), before any request
  3  the target refused the credentials (token refused, or missing a scope)
  4  the target could not be reached (no answer within about 10 s; the address is named)
  130  interrupted (Ctrl-C): run the same command again to resume`

/** Lines telling a person where to look after the replay. */
function whereToLook(summary: ReplaySummary, keepOpen: boolean, stateFile: string | undefined): string[] {
  if (summary.target.kind !== 'embedded') return []
  if (keepOpen)
    return [`The sandbox keeps running: open ${summary.target.page} to see what Drift received. Ctrl-C stops it.`]
  const later = stateFile
    ? `drift-destination sandbox --state ${stateFile}   (serves the page with this replay's data)`
    : 'replay again with --keep-open (or --state-file <file>, then drift-destination sandbox --state <file>)'
  return [
    `The embedded sandbox stopped with this command. To look at the page: ${later}`,
    'To send to Drift: --token <token> (or DRIFT_API_TOKEN) [--api-base <url>]'
  ]
}

const waitForAbort = (signal: AbortSignal | undefined): Promise<void> =>
  signal && !signal.aborted
    ? new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
    : Promise.resolve()

function replayCommand(io: CliIO, redactor: Redactor, done: (code: number) => void): Command {
  const command = new Command('replay')
    .description(
      'Send stored Segment events (identify, track, page, screen, group; one JSON object per line, gzip accepted) ' +
        "to Drift through the cloud destination's actions. Without --api-base/--token (or DRIFT_API_TOKEN) it " +
        'starts an embedded Drift sandbox and replays into it.'
    )
    .argument('<input>', 'events file (NDJSON, .gz accepted) or - for stdin')
  command
    .optionsGroup('Target:')
    .option('--api-base <url>', 'Drift API origin (default https://driftapi.com when a token is given)')
    .option('--token <token>', 'Drift API token; prefer the DRIFT_API_TOKEN environment variable')
    .option('--sandbox', 'use an embedded sandbox even if DRIFT_API_TOKEN is set')
    .option('--state-file <file>', 'embedded sandbox: load its state from / save it to this file')
    .option('--keep-open', 'embedded sandbox: keep serving it (and its page) after the replay until Ctrl-C')
    .option('--port <n>', 'embedded sandbox port (default: any free port)')
    .option('--dry-run', 'print the Drift requests instead of sending them')
    .optionsGroup('Pacing:')
    .option('--rate <n/window>', 'request rate to stay under, e.g. 1000/20s (default), 500/2s, or off')
    .option(
      '--concurrency <n>',
      `users replayed at once (default ${DEFAULT_CONCURRENCY}); one user's events stay in order`
    )
    .option(
      '--max-attempts <n>',
      `attempts per event on 5xx/timeouts (default ${DEFAULT_MAX_ATTEMPTS}); 429s wait instead`
    )
    .option('--timeout <ms>', 'per-request timeout (default 10000)')
    .option(
      '--deadline <duration>',
      'stop retrying (429 waits included) this long after the start, e.g. 2h (default: none)'
    )
    .optionsGroup('Files:')
    .option(
      '--checkpoint <file>',
      'resume point (default <input>.<target>.checkpoint.json when the target keeps state)'
    )
    .option('--no-checkpoint', 'do not write or read a checkpoint')
    .option('--fresh', 'ignore an existing checkpoint and start over')
    .option('--rejects <file>', 'events not delivered, with reasons (default <input>.rejects.ndjson)')
    .optionsGroup('Destination settings:')
    .option('--account-owner-id <id>', 'Drift user id owning accounts created from group calls')
    .option('--date-unit <unit>', 'seconds or milliseconds')
    .option('--separator <s>', 'joins nested keys (default _)')
    .option('--consent-categories <list>', 'comma-separated consent categories an event must grant (default: none)')
    .option('--consent-when-missing <what>', 'send or skip events without consent (default send)')
    .option('--blocked-attributes <list>', "comma-separated attribute patterns never sent ('' turns blocking off)")
    .optionsGroup('Output:')
    .option('--json', 'print the summary as JSON on stdout')
    .option('--quiet', 'no progress on stderr')
    .optionsGroup('Options:')
    .addHelpText('after', EXIT_CODES_HELP)
  addVariantOptions(command)
  return command.action(async (input: string, flags: Record<string, unknown>) => {
    done(await runReplay(input, flags, io, redactor))
  })
}

async function runReplay(
  input: string,
  flags: Record<string, unknown>,
  io: CliIO,
  redactor: Redactor
): Promise<number> {
  const say = (text: string): void => void io.stderr.write(`${redactor.text(text)}\n`)
  const { options, json, quiet } = replayOptionsFrom(input, flags, io.env ?? process.env)
  const { summary, sandbox } = await replay({
    ...options,
    stdin: io.stdin,
    signal: io.signal,
    progressStream: io.stderr,
    progress: quiet ? 'none' : undefined,
    out: (line) => void io.stdout.write(`${json ? redactor.json({ request: line }) : line}\n`)
  })
  summary.notes.push(...whereToLook(summary, sandbox !== undefined, options.sandboxOptions?.stateFile))
  io.stdout.write(
    `${json ? redactor.json({ ...summary, exitCode: exitCodeOf(summary) }) : redactor.text(formatSummary(summary))}\n`
  )
  if (sandbox) {
    await waitForAbort(io.signal) // --keep-open: serve until interrupted
    await sandbox.close()
  }
  if (summary.interrupted && summary.checkpoint) {
    say(`Interrupted: run the same command again to resume from ${summary.checkpoint}.`)
  }
  return exitCodeOf(summary)
}

function sandboxCommand(io: CliIO, done: (code: number) => void): Command {
  const cmd = new Command('sandbox')
    .description("Serve the Drift sandbox (Drift's REST API and widget, as a stand-in) and its page until Ctrl-C.")
    .option('--port <n>', 'port to listen on (default 4010; a free one if 4010 is taken)')
    .option('--state <file>', 'load the state from this file and save it there on exit')
  addVariantOptions(cmd)
  return cmd.action(async (flags: Record<string, unknown> & { port?: string; state?: string }) => {
    const sandbox = await serveSandbox(flags, io)
    await waitForAbort(io.signal)
    await sandbox.close()
    done(EXIT.ok)
  })
}

/** Runs the command; returns the exit code. Never throws. */
export async function main(args: string[], io: CliIO): Promise<number> {
  const env = io.env ?? process.env
  const redactor = new Redactor([env.DRIFT_API_TOKEN, ...tokenArgs(args)])
  const version = packageVersion()
  let code: number = EXIT.ok
  const done = (c: number): void => void (code = c)
  const program = new Command('drift-destination')
    .description('The Drift destination for Segment-style analytics: replay stored events, or serve a Drift sandbox.')
    .version(version, '-V, --version', 'print the version')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(redactor.text(text))
    })
    .addHelpText('after', EXIT_CODES_HELP)
  // Subcommands inherit the output and exit settings from `program` when added with addCommand after copying.
  for (const sub of [replayCommand(io, redactor, done), sandboxCommand(io, done)]) {
    sub.copyInheritedSettings(program)
    sub.version(version, '-V, --version', 'print the version')
    program.addCommand(sub)
  }
  try {
    await program.parseAsync(args, { from: 'user' })
    return code
  } catch (error) {
    if (error instanceof CommanderError) {
      const ok = error.code === 'commander.helpDisplayed' || error.code === 'commander.version'
      return ok ? EXIT.ok : EXIT.usage
    }
    if (error instanceof CliError) {
      io.stderr.write(`drift-destination: ${redactor.text(error.message)}\n`)
      return error.exitCode
    }
    io.stderr.write(`drift-destination: internal error: ${redactor.text((error as Error)?.message ?? String(error))}\n`)
    return EXIT.notDelivered
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
