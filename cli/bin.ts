#!/usr/bin/env node
import { main } from './index'

// The `drift-destination` command. Ctrl-C or SIGTERM stops a replay cleanly (in-flight events finish, the
// checkpoint is saved) or a sandbox; a second Ctrl-C exits at once (the checkpoint journal already holds every
// finished line). A closed stdout (`| head`) ends the command quietly, like an interrupt without the message.

const controller = new AbortController()
let interrupts = 0
let brokenPipe = false
const interrupt = (): void => {
  interrupts++
  if (interrupts > 1) process.exit(130)
  process.stderr.write('\nStopping: finishing what is in flight (Ctrl-C again to quit now)\n')
  controller.abort()
}
process.on('SIGINT', interrupt)
process.on('SIGTERM', interrupt)
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error
  brokenPipe = true
  controller.abort()
})

main(process.argv.slice(2), {
  stdout: { write: (text: string) => !brokenPipe && process.stdout.write(text) },
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  signal: controller.signal
}).then(
  (code) => {
    // Whoever closed the pipe has what they wanted: no "interrupted" exit code for that.
    const exit = brokenPipe && code === 130 ? 0 : code
    process.exitCode = exit
    // Nothing may keep the process alive once the summary is out (stdin left open by a parent, for example).
    process.stdin.destroy()
    setTimeout(() => process.exit(exit), 1000).unref()
  },
  (error: unknown) => {
    process.stderr.write(`drift-destination: ${(error as Error)?.message ?? String(error)}\n`)
    process.exit(1)
  }
)
