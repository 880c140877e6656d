import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import { createGunzip } from 'node:zlib'
import { z } from 'zod'

// Reads NDJSON events from a file or stdin, gzip or not (detected by its magic bytes, not the file name), one
// line at a time with bounded memory: a line longer than the limit is reported, not buffered.

export const MAX_LINE_CHARS = 4 * 1024 * 1024
/** How much of a bad line a reject keeps. */
export const RAW_EXCERPT_CHARS = 2000

export type RawLine = { line: number; text: string } | { line: number; tooLong: number }

export type ParsedLine =
  | { line: number; kind: 'event'; event: Record<string, unknown> & { type: string } }
  | { line: number; kind: 'blank' }
  | { line: number; kind: 'malformed'; reason: string; raw: string }

const isGzip = (bytes: Buffer): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b

/** Passes bytes through, gunzipping them when they start with gzip's magic bytes. */
export async function* decompressIfGzip(source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]()
  let head = Buffer.alloc(0)
  // stdin may deliver a single byte first: gather two before deciding.
  while (head.length < 2) {
    const next = await iterator.next()
    if (next.done) break
    head = Buffer.concat([head, Buffer.from(next.value)])
  }
  if (head.length === 0) return
  async function* all(): AsyncGenerator<Buffer> {
    yield head
    for (;;) {
      const next = await iterator.next()
      if (next.done) return
      yield Buffer.from(next.value)
    }
  }
  if (isGzip(head)) yield* Readable.from(all()).pipe(createGunzip())
  else yield* all()
}

/** Splits bytes into numbered lines (1-based); `\r\n` and `\n` both end a line. */
export async function* splitLines(source: AsyncIterable<Buffer>, maxChars = MAX_LINE_CHARS): AsyncGenerator<RawLine> {
  const decoder = new StringDecoder('utf8')
  let line = 0
  let pending = ''
  let skipping = 0 // > 0: the current line is too long; count its characters and drop them
  const finish = (text: string): RawLine => {
    line++
    if (skipping > 0) {
      const tooLong = skipping + text.length
      skipping = 0
      return { line, tooLong }
    }
    return { line, text: text.endsWith('\r') ? text.slice(0, -1) : text }
  }
  for await (const chunk of source) {
    let text = pending + decoder.write(chunk)
    let start = 0
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      yield finish(text.slice(start, end))
      start = end + 1
    }
    text = text.slice(start)
    if (skipping > 0 || text.length > maxChars) {
      skipping += text.length
      pending = ''
    } else {
      pending = text
    }
  }
  const rest = pending + decoder.end()
  if (rest !== '' || skipping > 0) yield finish(rest)
}

const excerpt = (text: string): string =>
  text.length > RAW_EXCERPT_CHARS ? `${text.slice(0, RAW_EXCERPT_CHARS)}… (${text.length} characters)` : text

/** Control characters (and the replacement character of undecodable bytes) never reach a terminal. */
export const printable = (text: string): string =>
  // eslint-disable-next-line no-control-regex
  text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd]/g, '?')

/** What every line must be before it counts as an event; the destination's actions check the rest. */
const EventEnvelope = z.looseObject({
  type: z
    .string({ error: 'missing "type" (a string such as "track")' })
    .min(1, 'missing "type" (a string such as "track")')
})

/** Turns one line into an event, a blank, or a malformed line with a reason naming the rule. */
export function parseLine(raw: RawLine): ParsedLine {
  const { line } = raw
  if ('tooLong' in raw) {
    return {
      line,
      kind: 'malformed',
      reason: `line is longer than ${MAX_LINE_CHARS} characters (${raw.tooLong})`,
      raw: '(not kept: too long)'
    }
  }
  const text = line === 1 ? raw.text.replace(/^\uFEFF/, '') : raw.text
  if (text.trim() === '') return { line, kind: 'blank' }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return {
      line,
      kind: 'malformed',
      reason: printable(`not valid JSON (${(error as Error).message})`),
      raw: excerpt(text)
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`
    return { line, kind: 'malformed', reason: `not a JSON object (got ${what})`, raw: excerpt(text) }
  }
  const parsed = EventEnvelope.safeParse(value)
  if (!parsed.success) return { line, kind: 'malformed', reason: parsed.error.issues[0].message, raw: excerpt(text) }
  // The line's own object, not zod's copy (a copy would turn a "__proto__" key into a prototype).
  return { line, kind: 'event', event: value as Record<string, unknown> & { type: string } }
}

/** The input as numbered, parsed lines. `-` reads stdin (or the `stdin` stream given, for tests). */
export async function* readEvents(input: string, stdin: Readable = process.stdin): AsyncGenerator<ParsedLine> {
  const source = input === '-' ? stdin : createReadStream(input)
  for await (const raw of splitLines(decompressIfGzip(source))) yield parseLine(raw)
}

/** Counts lines for the progress bar's total (a second pass over a file; stdin has no total). */
export async function countLines(input: string): Promise<number | undefined> {
  if (input === '-') return undefined
  let count = 0
  let last = 10
  for await (const chunk of decompressIfGzip(createReadStream(input))) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) count++
    if (chunk.length > 0) last = chunk[chunk.length - 1]
  }
  return last === 10 ? count : count + 1
}
