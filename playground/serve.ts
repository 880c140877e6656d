import { startPlayground } from './server'

// `npm run playground [-- --port 4020 --sandbox-port 4010]`: the playground page and its sandbox, until Ctrl-C.

function portArg(name: string, fallback: number): number {
  const args = process.argv.slice(2)
  const index = args.indexOf(name)
  const text = index >= 0 ? args[index + 1] : args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1)
  if (text === undefined) return fallback
  const port = Number(text)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${name} must be a whole number from 0 to 65535 (got "${text}")`)
  }
  return port
}

async function main(): Promise<void> {
  const playground = await startPlayground({
    port: portArg('--port', 4020),
    sandboxPort: portArg('--sandbox-port', 4010)
  })
  process.stdout.write(
    [
      `Drift playground:   ${playground.url}`,
      `Drift sandbox page: ${playground.sandbox.url}/`,
      'Click the buttons and watch what Drift receives. Press Ctrl-C to stop.',
      ''
    ].join('\n')
  )
  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    playground.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Could not close the playground cleanly: ${(error as Error).message}\n`)
        process.exit(1)
      }
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((error: unknown) => {
  process.stderr.write(`drift playground: ${(error as Error).message}\n`)
  process.exit(1)
})
