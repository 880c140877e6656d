import { main } from '../cli/index'

// `npm run sandbox [-- --port N] [-- --state FILE]`: the same as `drift-destination sandbox`: serves the Drift
// sandbox and its page until Ctrl-C, and prints its URL and the token to use.

const controller = new AbortController()
process.on('SIGINT', () => controller.abort())
process.on('SIGTERM', () => controller.abort())

main(['sandbox', ...process.argv.slice(2)], {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`drift sandbox: ${(error as Error).message}\n`)
    process.exit(1)
  }
)
