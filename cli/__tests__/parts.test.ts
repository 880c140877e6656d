import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { Checkpoint, CheckpointMismatchError, fingerprintInput } from '../checkpoint'
import { LaneScheduler } from '../lanes'
import { backoffDelay, parseRetryAfterMs as parseRetryAfter } from '../../destinations/drift/retry'
import { TokenBucket, parseRate } from '../pacer'
import { decompressIfGzip, parseLine, splitLines } from '../read-events'
import { Redactor } from '../redact'
import { tempDirPerTest } from './helpers'

async function* chunks(...parts: Array<string | Buffer>): AsyncGenerator<Buffer> {
  for (const p of parts) yield Buffer.from(p)
}
async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of source) out.push(x)
  return out
}

describe('pacer', () => {
  it('should parse rates and refuse anything else', () => {
    expect(parseRate('1000/20s')).toEqual({ requests: 1000, windowMs: 20000 })
    expect(parseRate('10/500ms')).toEqual({ requests: 10, windowMs: 500 })
    expect(parseRate('50/m')).toEqual({ requests: 50, windowMs: 60000 })
    expect(parseRate('off')).toBeUndefined()
    expect(() => parseRate('fast')).toThrow('--rate must look like')
    expect(() => parseRate('0/1s')).toThrow('at least 1 request')
  })

  it('should back off with full jitter under a growing ceiling, never below Retry-After', () => {
    const options = { baseMs: 100, maxMs: 1000 }
    expect(backoffDelay(1, options, 0, () => 0.999)).toBe(99)
    expect(backoffDelay(3, options, 0, () => 0.999)).toBe(399)
    expect(backoffDelay(10, options, 0, () => 0.999)).toBe(999)
    expect(backoffDelay(3, options, 0, () => 0)).toBe(0)
    expect(backoffDelay(1, options, 2000, () => 0.5)).toBe(2000)
    expect(parseRetryAfter('3')).toBe(3000)
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000)
    expect(parseRetryAfter('soon')).toBeUndefined()
  })

  it('should let a 90% burst through at once, then pace to the rate, and pause for Retry-After', async () => {
    const bucket = new TokenBucket({ requests: 20, windowMs: 200 })
    const started = Date.now()
    for (let i = 0; i < 18; i++) await bucket.take()
    expect(Date.now() - started).toBeLessThan(30)
    for (let i = 0; i < 10; i++) await bucket.take()
    expect(Date.now() - started).toBeGreaterThanOrEqual(90) // 10 more at 100 per second
    bucket.pauseUntil(Date.now() + 150)
    const paused = Date.now()
    await bucket.take()
    expect(Date.now() - paused).toBeGreaterThanOrEqual(140)
  })

  it('should stop waiting when aborted', async () => {
    const bucket = new TokenBucket({ requests: 1, windowMs: 60_000 })
    await bucket.take()
    const controller = new AbortController()
    const waiting = bucket.take(controller.signal)
    controller.abort()
    await expect(waiting).rejects.toThrow('Interrupted')
  })
})

describe('read-events', () => {
  it('should split lines across chunks, accept CRLF, and number every line', async () => {
    const lines = await collect(splitLines(chunks('{"a":', '1}\r\n\n{"b"', ':2}')))
    expect(lines).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, text: '' },
      { line: 3, text: '{"b":2}' }
    ])
  })

  it('should report a line that is too long without keeping it, and go on', async () => {
    const lines = await collect(splitLines(chunks('x'.repeat(30), 'y'.repeat(30), '\n{}\n'), 40))
    expect(lines).toEqual([
      { line: 1, tooLong: 60 },
      { line: 2, text: '{}' }
    ])
    expect(parseLine(lines[0])).toMatchObject({ kind: 'malformed', line: 1 })
  })

  it('should gunzip by magic bytes, even when the first chunk is one byte', async () => {
    const gz = gzipSync('{"type":"track"}\n')
    const out = await collect(decompressIfGzip(chunks(gz.subarray(0, 1), gz.subarray(1))))
    expect(Buffer.concat(out).toString()).toBe('{"type":"track"}\n')
    const plain = await collect(decompressIfGzip(chunks('{', '}')))
    expect(Buffer.concat(plain).toString()).toBe('{}')
  })

  it('should explain each kind of malformed line', () => {
    expect(parseLine({ line: 4, text: '{oops' })).toMatchObject({
      kind: 'malformed',
      reason: expect.stringContaining('not valid JSON')
    })
    expect(parseLine({ line: 4, text: '42' })).toMatchObject({ reason: 'not a JSON object (got a number)' })
    expect(parseLine({ line: 4, text: 'null' })).toMatchObject({ reason: 'not a JSON object (got null)' })
    expect(parseLine({ line: 4, text: '{"type":""}' })).toMatchObject({
      reason: expect.stringContaining('missing "type"')
    })
    expect(parseLine({ line: 1, text: '\uFEFF{"type":"page"}' })).toMatchObject({ kind: 'event' })
    const long = parseLine({ line: 2, text: `{${'x'.repeat(5000)}` })
    expect(long.kind === 'malformed' && long.raw.length).toBeLessThan(2100)
  })
})

describe('checkpoint', () => {
  const fx = tempDirPerTest()

  it('should remember lines finished out of order, through the journal alone after a crash', () => {
    const input = fx.tmp.file('events.ndjson', '{}\n{}\n{}\n{}\n')
    const file = fx.tmp.file('cp.json')
    const first = Checkpoint.open(file, fingerprintInput(input), false)
    for (const line of [2, 1, 4]) first.finish(line)
    // No save, no close: as if the process was killed. The journal has every finished line.
    const again = Checkpoint.open(file, fingerprintInput(input), false)
    expect([1, 2, 3, 4].map((l) => again.has(l))).toEqual([true, true, false, true])
    expect(again.resumedLines).toBe(3)
    again.finish(3)
    again.close(true)
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { through: number; finished: number[]; complete: boolean }
    expect(saved).toMatchObject({ through: 4, finished: [], complete: true })
    const fresh = Checkpoint.open(file, fingerprintInput(input), true)
    expect(fresh.has(1)).toBe(false)
    fresh.close(false)
  })

  it('should refuse a checkpoint made for another input', () => {
    const a = fx.tmp.file('a.ndjson', '{"a":1}\n')
    const b = fx.tmp.file('b.ndjson', '{"b":1}\n')
    const file = fx.tmp.file('cp.json')
    Checkpoint.open(file, fingerprintInput(a), false).close(false)
    expect(() => Checkpoint.open(file, fingerprintInput(b), false)).toThrow(CheckpointMismatchError)
  })
})

describe('lanes', () => {
  it('should keep each key in order while running different keys at once, never above the concurrency', async () => {
    const done: string[] = []
    const runningKeys = new Set<string>()
    const overlaps: string[] = []
    let running = 0
    let peak = 0
    const scheduler = new LaneScheduler<{ key: string; n: number }>(3, async ({ key, n }) => {
      // Two items of one key must never run at once: checked as each one starts.
      if (runningKeys.has(key)) overlaps.push(`${key}${n}`)
      runningKeys.add(key)
      running++
      peak = Math.max(peak, running)
      // Fixed delays: a0 is slow, so a1 would start (and finish) before it if the lane did not hold it back.
      await new Promise((r) => setTimeout(r, key === 'a' && n === 0 ? 30 : 1))
      done.push(`${key}${n}`)
      running--
      runningKeys.delete(key)
    })
    for (let n = 0; n < 5; n++) for (const key of ['a', 'b', 'c', 'd']) scheduler.push(key, { key, n })
    await scheduler.drain()
    expect(done).toHaveLength(20)
    expect(overlaps).toEqual([])
    // Three at once, and (no overlaps) never two of one key: different keys ran side by side.
    expect(peak).toBe(3)
    for (const key of ['a', 'b', 'c', 'd']) {
      expect(done.filter((d) => d.startsWith(key))).toEqual([0, 1, 2, 3, 4].map((n) => `${key}${n}`))
    }
  })
})

describe('redactor', () => {
  it('should replace the token itself (JSON-escaped too) and nothing else', () => {
    const r = new Redactor(['s3cr"et-token'])
    expect(r.text('token s3cr"et-token here')).toBe('token [redacted] here')
    expect(r.json({ note: 'x s3cr"et-token y' })).toBe('{"note":"x [redacted] y"}')
    // Only the token: other bearer values and look-alikes stay as they are.
    expect(r.text('Authorization: Bearer abc.def, s3cr"et')).toBe('Authorization: Bearer abc.def, s3cr"et')
  })

  it('should never mangle output with a short secret (tokens under 8 characters are refused as tokens)', () => {
    const r = new Redactor(['x', 'e'])
    expect(r.text('examples/events.ndjson')).toBe('examples/events.ndjson')
  })
})
