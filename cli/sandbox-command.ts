import { Option, type Command } from 'commander'
import { DEFAULT_SANDBOX_TOKEN, startSandbox, type Sandbox, type SandboxOptions } from '../sandbox'
import { VARIANT_CHOICES, VARIANT_FLAGS, parseVariants, type VariantName } from '../sandbox/variants'
import { UsageError } from './errors'

// `drift-destination sandbox`: serves the Drift sandbox and its page until interrupted, and says how to use it.
// `npm run sandbox` runs the same code.

export const DEFAULT_SANDBOX_PORT = 4010

/**
 * Sandbox behaviour variants (lookup answer shape, duplicate answers, ...): the place where their flags are
 * declared, for both `sandbox` and `replay --sandbox`. Each flag added here must be mapped in `variantOptions`.
 */
export function addVariantOptions(command: Command): Command {
  for (const name of Object.keys(VARIANT_CHOICES) as VariantName[]) {
    const choices = VARIANT_CHOICES[name]
    command.addOption(
      new Option(`${VARIANT_FLAGS[name]} <choice>`, `sandbox variant: ${name} (default ${choices[0]})`).choices(choices)
    )
  }
  return command
}

/** The SandboxOptions the variant flags (declared in addVariantOptions) ask for; commander has checked the choices. */
export function variantOptions(flags: Record<string, unknown>): Partial<SandboxOptions> {
  const given = Object.fromEntries(
    (Object.keys(VARIANT_CHOICES) as VariantName[])
      .filter((name) => flags[name] !== undefined)
      .map((name) => [name, flags[name]])
  )
  return Object.keys(given).length === 0 ? {} : { variants: parseVariants(given) }
}

export interface ServeIO {
  stdout: { write(text: string): unknown }
  env?: Record<string, string | undefined>
}

/** Starts the sandbox on `port` (default 4010; if that default is taken, any free port, said on start). */
export async function serveSandbox(
  flags: { port?: string; state?: string } & Record<string, unknown>,
  io: ServeIO
): Promise<Sandbox> {
  const port = flags.port === undefined ? undefined : Number(flags.port)
  if (port !== undefined && (!/^\d+$/.test(flags.port as string) || port > 65535)) {
    throw new UsageError(`--port must be a whole number from 0 to 65535 (got "${flags.port}")`)
  }
  const options: SandboxOptions = {
    stateFile: flags.state,
    signedIdentitySecret: io.env?.DRIFT_SANDBOX_SIGNING_SECRET,
    ...variantOptions(flags)
  }
  let sandbox: Sandbox
  let notice = ''
  try {
    sandbox = await startSandbox({ ...options, port: port ?? DEFAULT_SANDBOX_PORT })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
    const taken = port ?? DEFAULT_SANDBOX_PORT
    if (port !== undefined) {
      throw new UsageError(`port ${taken} is in use (another sandbox or playground?): pick another with --port`)
    }
    sandbox = await startSandbox({ ...options, port: 0 })
    notice = `Port ${taken} is in use (another sandbox or playground?): using ${new URL(sandbox.url).port} instead.\n`
  }
  io.stdout.write(
    [
      `${notice}Drift sandbox listening on ${sandbox.url}`,
      `  page (what Drift received):  ${sandbox.url}/`,
      `  REST API base:               ${sandbox.url}   (use as --api-base)`,
      `  token to use (all scopes):   ${DEFAULT_SANDBOX_TOKEN}`,
      `  replay into it:              drift-destination replay events.ndjson --api-base ${sandbox.url} --token ${DEFAULT_SANDBOX_TOKEN}`,
      `  widget script:               ${sandbox.url}/include/<bucket>/<embedId>.js`,
      `  state as JSON:               ${sandbox.url}/_sandbox/state`,
      flags.state
        ? `  state file (saved on exit):  ${flags.state}`
        : '  state: in memory only (pass --state FILE to keep it)',
      'Press Ctrl-C to stop.',
      ''
    ].join('\n')
  )
  return sandbox
}
