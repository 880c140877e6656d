import { closeOnSignal, portArg } from '../sandbox/serve-cli'
import { startPlayground, type Playground } from './server'

// `npm run playground [-- --port 4020 --sandbox-port 4010]`: the playground page and its sandbox, until Ctrl-C.
// A port already in use (a sandbox started with `npm run sandbox` holds 4010) is replaced by a free one, and said.

export async function servePlayground(
  ports: { port: number; sandboxPort: number },
  say: (text: string) => void
): Promise<Playground> {
  const wanted = { ...ports }
  for (let tries = 0; ; tries++) {
    try {
      const playground = await startPlayground(wanted)
      const sandboxPort = Number(new URL(playground.sandbox.url).port)
      const pagePort = Number(new URL(playground.url).port)
      if (ports.sandboxPort !== 0 && sandboxPort !== ports.sandboxPort) {
        say(
          `Port ${ports.sandboxPort} is in use (a sandbox already running?): the playground's sandbox uses ${sandboxPort}.`
        )
      }
      if (ports.port !== 0 && pagePort !== ports.port) {
        say(`Port ${ports.port} is in use: the playground page uses ${pagePort}.`)
      }
      return playground
    } catch (error) {
      const { code, port } = error as NodeJS.ErrnoException & { port?: number }
      if (code !== 'EADDRINUSE' || tries >= 2) throw error
      // Retry with a free port in place of the one that is taken.
      if (port === wanted.sandboxPort) wanted.sandboxPort = 0
      else if (port === wanted.port) wanted.port = 0
      else throw error
    }
  }
}

async function main(): Promise<void> {
  const say = (text: string): void => void process.stdout.write(`${text}\n`)
  const playground = await servePlayground(
    { port: portArg('--port', 4020), sandboxPort: portArg('--sandbox-port', 4010) },
    say
  )
  say(
    [
      `Drift playground:   ${playground.url}`,
      `Drift sandbox page: ${playground.sandbox.url}/`,
      'Click the buttons and watch what Drift receives. Press Ctrl-C to stop.',
      ''
    ].join('\n')
  )
  closeOnSignal('playground', () => playground.close())
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`drift playground: ${(error as Error).message}\n`)
    process.exit(1)
  })
}
