import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Redactor } from './redact'

// Every line that is not delivered is written here as `{ line, reason, event }` (or `raw` for a line that is not
// an event), synchronously and before the line counts as finished in the checkpoint: nothing is lost silently.

export interface Reject {
  line: number
  /** Event type, when the line was an event. */
  type?: string
  /** What went wrong, naming the field and the rule when it is the event's fault. */
  reason: string
  /** failed: sent and refused, or failed after retries · invalid: refused before sending · skipped · malformed. */
  outcome: 'failed' | 'invalid' | 'skipped' | 'malformed'
  /** HTTP status of the last answer, when there was one. */
  status?: number
  attempts?: number
  event?: unknown
  /** The line's text (truncated) when it is not an event. */
  raw?: string
}

/** Larger events are kept truncated in the rejects file so one huge event cannot fill the disk. */
export const MAX_REJECT_EVENT_CHARS = 64 * 1024

export class RejectsFile {
  private fd: number | undefined
  written = 0

  constructor(
    readonly file: string,
    private readonly redactor: Redactor,
    append: boolean
  ) {
    mkdirSync(dirname(file), { recursive: true })
    this.fd = openSync(file, append ? 'a' : 'w')
  }

  write(reject: Reject): void {
    if (this.fd === undefined) throw new Error(`rejects file ${this.file} is closed`)
    let text = this.redactor.json(reject)
    if (text.length > MAX_REJECT_EVENT_CHARS && reject.event !== undefined) {
      const eventText = this.redactor.json(reject.event)
      text = this.redactor.json({
        ...reject,
        event: undefined,
        raw: `${eventText.slice(0, MAX_REJECT_EVENT_CHARS)}… (${eventText.length} characters)`
      })
    }
    writeSync(this.fd, `${text}\n`)
    this.written++
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
  }
}
