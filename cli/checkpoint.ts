import { createHash } from 'node:crypto'
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync
} from 'node:fs'
import { dirname } from 'node:path'
import { UsageError } from './errors'

// Which input lines are finished (delivered, or written to the rejects file with a reason) for one target, so an
// interrupted replay resumes without sending them again. A checkpoint belongs to an input AND a target (the API
// origin and a fingerprint of the token): the same file replayed to another target starts from the beginning.
//
// Two files: `<checkpoint>` is a JSON snapshot written atomically (tmp + rename), and `<checkpoint>.journal` gets
// one line number appended, synchronously, the moment a line is finished. A crash (even SIGKILL) therefore
// loses at most the acknowledgement in flight; the snapshot folds the journal in every few seconds and at the end.

export const CHECKPOINT_VERSION = 2
const HEAD_BYTES = 64 * 1024

export interface InputFingerprint {
  /** The input as given ('-' for stdin). */
  input: string
  /** sha256 of the first 64 KiB of a file (so an appended-to file still matches); absent for stdin. */
  head?: string
  /** The target (API origin and token fingerprint, never the token): see cli/target.ts. */
  target?: string
}

interface CheckpointFile {
  version: number
  fingerprint: InputFingerprint
  /** Every line up to and including this one is finished. */
  through: number
  /** Finished lines after `through` (lines of different users finish out of order). */
  finished: number[]
  complete: boolean
  updatedAt: string
}

/** A checkpoint that belongs to another input or target, or is not one: a usage error (exit 2). */
export class CheckpointMismatchError extends UsageError {}

/** Fingerprint of a file's first 64 KiB (compressed or not: it is what the file holds). */
export function fingerprintInput(input: string, target?: string): InputFingerprint {
  if (input === '-') return { input, target }
  const fd = openSync(input, 'r')
  try {
    const buffer = Buffer.alloc(HEAD_BYTES)
    const read = readSync(fd, buffer, 0, HEAD_BYTES, 0)
    return { input, head: createHash('sha256').update(buffer.subarray(0, read)).digest('hex'), target }
  } finally {
    closeSync(fd)
  }
}

function readJournal(file: string): number[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  // A torn last line (a crash mid-write) is ignored: that line is simply sent again.
  return text
    .split('\n')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
}

export class Checkpoint {
  private through = 0
  private readonly finished = new Set<number>()
  private journalFd: number | undefined
  private dirty = false
  /** Lines that were already finished when this run started. */
  readonly resumedLines: number
  readonly journalFile: string

  private constructor(
    readonly file: string,
    private readonly fingerprint: InputFingerprint,
    saved: CheckpointFile | undefined
  ) {
    this.journalFile = `${file}.journal`
    if (saved) {
      this.through = saved.through
      for (const line of saved.finished) this.finished.add(line)
      for (const line of readJournal(this.journalFile)) this.mark(line)
    }
    this.resumedLines = this.count()
  }

  /**
   * Opens `file`: resumes from it when it exists and belongs to the same input, starts empty when `fresh` or
   * absent, and refuses (CheckpointMismatchError) when it belongs to another input.
   */
  static open(file: string, fingerprint: InputFingerprint, fresh: boolean): Checkpoint {
    let saved: CheckpointFile | undefined
    if (!fresh) {
      let text: string | undefined
      try {
        text = readFileSync(file, 'utf8')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      }
      if (text !== undefined) {
        saved = parseCheckpoint(file, text)
        if (saved.fingerprint.target !== fingerprint.target) {
          throw new CheckpointMismatchError(
            `Checkpoint ${file} belongs to another target (${saved.fingerprint.target?.split(' ')[0] ?? 'unknown'}, ` +
              'or another token): pass --fresh to start over, or --checkpoint <file> to use another checkpoint'
          )
        }
        const same = saved.fingerprint.input === fingerprint.input && saved.fingerprint.head === fingerprint.head
        if (!same) {
          throw new CheckpointMismatchError(
            `Checkpoint ${file} belongs to another input (${saved.fingerprint.input}, or the file's start changed): ` +
              'pass --fresh to start over, or --checkpoint <file> to use another checkpoint'
          )
        }
      }
    }
    const checkpoint = new Checkpoint(file, fingerprint, saved)
    mkdirSync(dirname(file), { recursive: true })
    if (fresh || !saved) rmSync(checkpoint.journalFile, { force: true })
    checkpoint.journalFd = openSync(checkpoint.journalFile, 'a')
    checkpoint.save(false)
    return checkpoint
  }

  has(line: number): boolean {
    return line <= this.through || this.finished.has(line)
  }

  /** Records a finished line, durably for this process's lifetime (the OS has it even if we are killed). */
  finish(line: number): void {
    if (this.journalFd !== undefined) writeSync(this.journalFd, `${line}\n`)
    this.mark(line)
    this.dirty = true
  }

  /** Lines finished so far, including earlier runs. */
  count(): number {
    return this.through + this.finished.size
  }

  /** Writes the snapshot (tmp + rename), then empties the journal it now contains. */
  save(complete: boolean): void {
    const data: CheckpointFile = {
      version: CHECKPOINT_VERSION,
      fingerprint: this.fingerprint,
      through: this.through,
      finished: [...this.finished].sort((a, b) => a - b),
      complete,
      updatedAt: new Date().toISOString()
    }
    const tmp = `${this.file}.${process.pid}.tmp`
    writeFileSync(tmp, `${JSON.stringify(data)}\n`)
    renameSync(tmp, this.file)
    if (this.journalFd !== undefined) {
      // Lines finished between the snapshot and here are in both: harmless, the journal is only ever added to it.
      closeSync(this.journalFd)
      this.journalFd = openSync(this.journalFile, 'w')
    }
    this.dirty = false
  }

  /** Saves when something changed since the last save. */
  saveIfChanged(): void {
    if (this.dirty) this.save(false)
  }

  close(complete: boolean): void {
    this.save(complete)
    if (this.journalFd !== undefined) closeSync(this.journalFd)
    this.journalFd = undefined
    rmSync(this.journalFile, { force: true })
  }

  private mark(line: number): void {
    if (line <= this.through) return
    this.finished.add(line)
    while (this.finished.has(this.through + 1)) {
      this.finished.delete(this.through + 1)
      this.through++
    }
  }
}

function parseCheckpoint(file: string, text: string): CheckpointFile {
  let data: Partial<CheckpointFile>
  try {
    data = JSON.parse(text) as Partial<CheckpointFile>
  } catch {
    throw new CheckpointMismatchError(`Checkpoint ${file} is not valid JSON: pass --fresh to start over`)
  }
  if (
    data.version !== CHECKPOINT_VERSION ||
    typeof data.through !== 'number' ||
    !Array.isArray(data.finished) ||
    typeof data.fingerprint?.input !== 'string'
  ) {
    throw new CheckpointMismatchError(
      `Checkpoint ${file} is not a replay checkpoint (version ${CHECKPOINT_VERSION}): pass --fresh to start over`
    )
  }
  return data as CheckpointFile
}
