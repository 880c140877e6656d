import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox'
import type { ProgressStream } from '../progress'

export const EXAMPLE = join(__dirname, '..', '..', 'examples', 'events.ndjson')
export const exampleLines = (): string[] => readFileSync(EXAMPLE, 'utf8').trimEnd().split('\n')

/** Counts in the committed example file, computed from the file itself. */
export function exampleExpectations(): {
  events: number
  /** Events made by the generator (all deliverable); the rest are the deliberately bad ones. */
  deliverable: number
  users: number
  timeline: number
  malformedLines: number[]
} {
  let events = 0
  let deliverable = 0
  let timeline = 0
  const users = new Set<string>()
  const malformedLines: number[] = []
  exampleLines().forEach((text, i) => {
    let event: { type?: unknown; userId?: unknown; messageId?: unknown }
    try {
      event = JSON.parse(text) as typeof event
    } catch {
      return void malformedLines.push(i + 1)
    }
    if (typeof event !== 'object' || Array.isArray(event) || typeof event.type !== 'string') {
      return void malformedLines.push(i + 1)
    }
    events++
    // Events made by the generator (not the deliberately bad ones) are meant to be delivered.
    if (typeof event.messageId === 'string' && event.messageId.startsWith('msg-')) {
      deliverable++
      users.add(String(event.userId))
      if (['track', 'page', 'screen'].includes(event.type)) timeline++
    }
  })
  return { events, deliverable, users: users.size, timeline, malformedLines }
}

export interface TempDir {
  dir: string
  /** The path of `name` in the directory, written with `text` when given. */
  file(name: string, text?: string): string
  cleanup(): void
}

export function tempDir(): TempDir {
  const dir = mkdtempSync(join(tmpdir(), 'drift-replay-'))
  return {
    dir,
    file(name, text) {
      const path = join(dir, name)
      if (text !== undefined) writeFileSync(path, text)
      return path
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * A fresh temp dir for each test of the enclosing describe, removed after it. Read `fixture.tmp` inside tests and
 * hooks (it is replaced before each test).
 */
export function tempDirPerTest(): { readonly tmp: TempDir } {
  const fixture = {} as { tmp: TempDir }
  beforeEach(() => {
    fixture.tmp = tempDir()
  })
  afterEach(() => fixture.tmp.cleanup())
  return fixture
}

/**
 * A fresh sandbox (no rate limit unless `options` say otherwise) and temp dir for each test of the enclosing
 * describe, closed and removed after it. Read `fixture.sandbox` and `fixture.tmp` inside tests and hooks.
 */
export function sandboxPerTest(options: SandboxOptions = {}): { readonly sandbox: Sandbox; readonly tmp: TempDir } {
  const fixture = {} as { sandbox: Sandbox; tmp: TempDir }
  beforeEach(async () => {
    fixture.tmp = tempDir()
    fixture.sandbox = await startSandbox({ rateLimit: false, ...options })
  })
  afterEach(async () => {
    await fixture.sandbox.close()
    fixture.tmp.cleanup()
  })
  return fixture
}

export function readRejects(file: string): Array<Record<string, unknown>> {
  const text = readFileSync(file, 'utf8')
  return text === ''
    ? []
    : text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>)
}

/** Timeline events Drift got more than once (same contact, name and time): duplicates from resending. */
export function duplicateTimelineEvents(sandbox: Sandbox): number {
  const seen = new Set<string>()
  let duplicates = 0
  for (const e of sandbox.state.timeline) {
    const key = `${e.contactId}|${e.event}|${e.createdAt}`
    if (seen.has(key)) duplicates++
    seen.add(key)
  }
  return duplicates
}

/** A progress stream that keeps what was written (and is not a TTY). */
export function captureStream(): ProgressStream & { text: () => string } {
  const chunks: string[] = []
  return { write: (t: string) => chunks.push(t), isTTY: false, text: () => chunks.join('') }
}
