import { createReadStream } from 'node:fs'
import type { Readable } from 'node:stream'
import { UsageError } from './errors'
import { decompressIfGzip, parseLine, splitLines, type ParsedLine } from './read-events'

// Opens the input and looks at its start before anything is sent: an unreadable file, binary data, a JSON array
// or a file with no event in it stops the command (exit 2) with one message saying what the file is. The raw
// bytes are never echoed.

/** How much of the (decompressed) input is examined up front. */
export const SNIFF_BYTES = 64 * 1024
/** Complete lines in the examined start, none an event: the file is not events (unless it ended sooner). */
const LINES_WITHOUT_EVENT = 50

export type InputKind = 'ndjson' | 'empty' | 'binary' | 'json-array' | 'no-event'

/** What the start of an input looks like; `ended`: the whole input fits in `head`. */
export function classifyHead(head: Buffer, ended: boolean): InputKind {
  // A multi-byte character cut at the end of the sample is not a sign of binary data.
  const sample = ended ? head : head.subarray(0, Math.max(0, head.length - 3))
  if (sample.includes(0)) return 'binary'
  const text = sample.toString('utf8')
  let odd = 0
  for (const ch of text) {
    const code = ch.codePointAt(0) as number
    if (ch === '\ufffd' || (code < 32 && ch !== '\n' && ch !== '\r' && ch !== '\t') || code === 127) odd++
  }
  if (odd > Math.max(2, text.length * 0.01)) return 'binary'
  const trimmed = text.replace(/^\uFEFF/, '').trimStart()
  if (trimmed === '') return ended ? 'empty' : 'ndjson'
  if (trimmed.startsWith('[')) return 'json-array'
  const lines = text.split('\n')
  if (!ended) lines.pop() // the last one may be cut
  let nonBlank = 0
  for (const [i, lineText] of lines.entries()) {
    const parsed = parseLine({ line: i + 1, text: lineText.replace(/\r$/, '') })
    if (parsed.kind === 'event') return 'ndjson'
    if (parsed.kind === 'malformed') nonBlank++
  }
  return ended || nonBlank >= LINES_WITHOUT_EVENT ? 'no-event' : 'ndjson'
}

function explain(kind: InputKind, input: string, firstReason: string | undefined): string {
  const name = input === '-' ? 'the input (stdin)' : input
  const file = input === '-' ? 'events.json' : input
  switch (kind) {
    case 'empty':
      return `${name} is empty: nothing to replay`
    case 'binary':
      return `${name} is not text (binary data): expected NDJSON, one JSON event per line (gzip is fine)`
    case 'json-array':
      return (
        `${name} is a JSON array; replay reads NDJSON, one event per line. Convert it with:\n` +
        `  jq -c '.[]' ${file} > events.ndjson`
      )
    default:
      return (
        `no line of ${name} is an event (a JSON object with a "type")` +
        (firstReason ? `; line 1: ${firstReason}` : '') +
        ': expected NDJSON, one JSON event per line'
      )
  }
}

function readError(input: string, error: unknown): UsageError {
  const code = (error as NodeJS.ErrnoException)?.code
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'it is a directory'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR'
            ? 'it starts like gzip but is not valid gzip'
            : (code ?? (error as Error)?.message ?? String(error))
  return new UsageError(`cannot read ${input === '-' ? 'stdin' : input}: ${why}`)
}

/** The input's numbered, parsed lines, after checking that it is NDJSON events; throws UsageError otherwise. */
export async function openInput(input: string, stdin: Readable = process.stdin): Promise<AsyncGenerator<ParsedLine>> {
  const source = input === '-' ? stdin : createReadStream(input)
  const bytes = decompressIfGzip(source)
  const head: Buffer[] = []
  let size = 0
  let ended = false
  try {
    while (size < SNIFF_BYTES) {
      const next = await bytes.next()
      if (next.done) {
        ended = true
        break
      }
      head.push(next.value)
      size += next.value.length
    }
  } catch (error) {
    if (input !== '-') (source as ReturnType<typeof createReadStream>).destroy()
    throw readError(input, error)
  }
  const start = Buffer.concat(head)
  const kind = classifyHead(start, ended)
  if (kind !== 'ndjson') {
    if (input !== '-') (source as ReturnType<typeof createReadStream>).destroy()
    const first = start.toString('utf8').split('\n')[0].replace(/\r$/, '')
    const parsed = kind === 'no-event' ? parseLine({ line: 1, text: first }) : undefined
    throw new UsageError(explain(kind, input, parsed?.kind === 'malformed' ? parsed.reason : undefined))
  }
  async function* all(): AsyncGenerator<Buffer> {
    yield* head
    if (ended) return
    try {
      yield* bytes
    } catch (error) {
      throw readError(input, error)
    }
  }
  return (async function* lines(): AsyncGenerator<ParsedLine> {
    for await (const raw of splitLines(all())) yield parseLine(raw)
  })()
}
