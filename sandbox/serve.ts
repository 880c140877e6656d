import { DEFAULT_SANDBOX_TOKEN, startSandbox } from '.'

// `npm run sandbox [-- --port N] [-- --state FILE]`: serves the Drift sandbox and its page until Ctrl-C.

function argValue(name: string): string | undefined {
  const args = process.argv.slice(2)
  const index = args.indexOf(name)
  if (index >= 0) return args[index + 1]
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1)
}

async function main(): Promise<void> {
  const portText = argValue('--port') ?? process.env.PORT ?? '4010'
  const port = Number(portText)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a whole number from 0 to 65535 (got "${portText}")`)
  }
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
  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Could not close the sandbox cleanly: ${(error as Error).message}\n`)
        process.exit(1)
      }
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((error: unknown) => {
  process.stderr.write(`drift sandbox: ${(error as Error).message}\n`)
  process.exit(1)
})
