import { closeOnSignal, portArg } from '../sandbox/serve-cli'
import { startPlayground } from './server'

// `npm run playground [-- --port 4020 --sandbox-port 4010]`: the playground page and its sandbox, until Ctrl-C.

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
  closeOnSignal('playground', () => playground.close())
}

main().catch((error: unknown) => {
  process.stderr.write(`drift playground: ${(error as Error).message}\n`)
  process.exit(1)
})
