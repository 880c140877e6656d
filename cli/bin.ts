#!/usr/bin/env node
import { main } from './index'

// The `drift-destination` command. Ctrl-C or SIGTERM stops the replay cleanly (in-flight events finish, the
// checkpoint is saved); a second Ctrl-C exits at once (the checkpoint journal already holds every finished line).

const controller = new AbortController()
let interrupts = 0
const interrupt = (): void => {
  interrupts++
  if (interrupts > 1) process.exit(130)
  process.stderr.write(
    '\nStopping: letting requests in flight finish and saving the checkpoint (Ctrl-C again to quit now)\n'
  )
  controller.abort()
}
process.on('SIGINT', interrupt)
process.on('SIGTERM', interrupt)

main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  signal: controller.signal
}).then(
  (code) => {
    process.exitCode = code
    // Nothing may keep the process alive once the summary is out (stdin left open by a parent, for example).
    process.stdin.destroy()
    setTimeout(() => process.exit(code), 1000).unref()
  },
  (error: unknown) => {
    process.stderr.write(`drift-destination: ${(error as Error)?.message ?? String(error)}\n`)
    process.exit(1)
  }
)
