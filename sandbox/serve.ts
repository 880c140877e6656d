import { DEFAULT_SANDBOX_TOKEN, startSandbox } from '.'
import { argValue, closeOnSignal, portArg } from './serve-cli'

// `npm run sandbox [-- --port N] [-- --state FILE]`: serves the Drift sandbox and its page until Ctrl-C.

async function main(): Promise<void> {
  const port = portArg('--port', process.env.PORT ?? 4010)
  const stateFile = argValue('--state')
  const sandbox = await startSandbox({
    port,
    stateFile,
    signedIdentitySecret: process.env.DRIFT_SANDBOX_SIGNING_SECRET
  })
  process.stdout.write(
    [
      `Drift sandbox listening on ${sandbox.url}`,
      `  page (what Drift received):  ${sandbox.url}/`,
      `  REST API base:               ${sandbox.url}   (use as --api-base)`,
      `  demo token (all scopes):     ${DEFAULT_SANDBOX_TOKEN}`,
      `  widget script:               ${sandbox.url}/include/<bucket>/<embedId>.js`,
      `  state as JSON:               ${sandbox.url}/_sandbox/state`,
      stateFile
        ? `  state file (saved on exit):  ${stateFile}`
        : '  state: in memory only (pass --state FILE to keep it)',
      'Press Ctrl-C to stop.',
      ''
    ].join('\n')
  )
  closeOnSignal('sandbox', () => sandbox.close())
}

main().catch((error: unknown) => {
  process.stderr.write(`drift sandbox: ${(error as Error).message}\n`)
  process.exit(1)
})
