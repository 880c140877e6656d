// The command's exit codes, and the errors that end a run early with one of them. Each message names the cause
// (and the address tried) and never the token.

export const EXIT = {
  /** Every event delivered, or deliberately skipped. */
  ok: 0,
  /** Some events were not delivered (each is in the rejects file with its reason). */
  notDelivered: 1,
  /** Usage or configuration error, found before any request. */
  usage: 2,
  /** The target refused the credentials. */
  credentials: 3,
  /** The target could not be reached. */
  unreachable: 4,
  /** Interrupted (Ctrl-C or SIGTERM): run the same command again to resume. */
  interrupted: 130
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode
  ) {
    super(message)
    this.name = new.target.name
  }
}

/** Bad flags, a bad URL, unreadable or unusable input: found before any request (exit 2). */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage)
  }
}

/** The target refused the token (401), or the token lacks the scopes the destination needs (exit 3). */
export class CredentialsError extends CliError {
  constructor(message: string) {
    super(message, EXIT.credentials)
  }
}

/** No answer from the target, or not a Drift API at that address (exit 4). */
export class UnreachableError extends CliError {
  constructor(message: string) {
    super(message, EXIT.unreachable)
  }
}
