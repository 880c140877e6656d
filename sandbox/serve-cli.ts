// What the two serving commands (`npm run sandbox`, `npm run playground`) share: reading their flags, and
// closing cleanly on Ctrl-C or SIGTERM.

/** `--name value` or `--name=value` from the command line. */
export function argValue(name: string): string | undefined {
  const args = process.argv.slice(2)
  const index = args.indexOf(name)
  if (index >= 0) return args[index + 1]
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1)
}

/** A port flag, else `fallback`; anything but a whole number from 0 to 65535 is refused by name. */
export function portArg(name: string, fallback: string | number): number {
  const text = argValue(name) ?? String(fallback)
  const port = Number(text)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${name} must be a whole number from 0 to 65535 (got "${text}")`)
  }
  return port
}

/** Closes `what` on SIGINT or SIGTERM (once), then exits: 0 when it closed cleanly, 1 with the reason otherwise. */
export function closeOnSignal(what: string, close: () => Promise<void>): void {
  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Could not close the ${what} cleanly: ${(error as Error).message}\n`)
        process.exit(1)
      }
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
