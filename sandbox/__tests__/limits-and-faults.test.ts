import { connect } from 'node:net'
import { DEFAULT_RATE_LIMIT, DEFAULT_SANDBOX_TOKEN, startSandbox, type FaultOptions, type Sandbox } from '..'
import { LeakyBucket } from '../rate-limit'
import { call } from './helpers'

const contactBody = (n: number) => ({ attributes: { email: `user${n}@example.com`, externalId: `u${n}` } })

async function statuses(sandbox: Sandbox, n: number): Promise<number[]> {
  const seen: number[] = []
  for (let i = 0; i < n; i++) seen.push((await call(sandbox.url, 'POST', '/contacts', contactBody(i))).status)
  return seen
}

/**
 * `count` authorised GETs of `path` pipelined on one HTTP/1.1 connection (much faster than one fetch each): each
 * answer's status and Retry-After header, in order.
 */
function pipelined(
  baseUrl: string,
  count: number,
  path: string
): Promise<Array<{ status: number; retryAfter?: string }>> {
  const { hostname, port } = new URL(baseUrl)
  const request = `GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${DEFAULT_SANDBOX_TOKEN}\r\n\r\n`
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(request.repeat(count)))
    let text = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => (text += chunk))
    socket.on('error', reject)
    socket.on('end', () =>
      resolve(
        text.split(/(?=HTTP\/1\.1 \d{3} )/).map((answer) => {
          const retryAfter = /\r\nretry-after: *([^\r]*)\r\n/i.exec(answer.split('\r\n\r\n')[0] + '\r\n')?.[1]
          return { status: Number(answer.slice(9, 12)), ...(retryAfter === undefined ? {} : { retryAfter }) }
        })
      )
    )
  })
}

async function withSandbox<T>(
  options: Parameters<typeof startSandbox>[0],
  run: (sandbox: Sandbox) => Promise<T>
): Promise<T> {
  const sandbox = await startSandbox(options)
  try {
    return await run(sandbox)
  } finally {
    await sandbox.close()
  }
}

describe('rate limit (leaky bucket)', () => {
  it('answers 429 with Retry-After (whole seconds, rounded up) once the bucket is full', async () => {
    await withSandbox({ rateLimit: { capacity: 2, windowMs: 20000 } }, async (sandbox) => {
      expect(await statuses(sandbox, 2)).toEqual([200, 200])
      const limited = await call(sandbox.url, 'GET', '/contacts?email=a%40example.com')
      expect(limited.status).toBe(429)
      // One request leaks out every 10 s at 2 per 20 s.
      expect(limited.headers.get('retry-after')).toBe('10')
      expect(limited.body.error.type).toBe('rate_limit')
      expect(sandbox.counts()['429']).toBe(1)
      // Admin routes and the widget script are not limited.
      expect((await fetch(`${sandbox.url}/_sandbox/counts`)).status).toBe(200)
      expect((await fetch(`${sandbox.url}/include/1/abc.js`)).status).toBe(200)
    })
  })

  it('lets requests through again as the bucket leaks', async () => {
    await withSandbox({ rateLimit: { capacity: 2, windowMs: 200 } }, async (sandbox) => {
      expect(await statuses(sandbox, 3)).toEqual([200, 200, 429])
      await new Promise((resolve) => setTimeout(resolve, 150))
      expect((await call(sandbox.url, 'POST', '/contacts', contactBody(9))).status).toBe(200)
    })
  })

  it('defaults to a bucket of 1000 per 20 s, leaking 50 per second', async () => {
    // A sandbox started without a rateLimit option, over HTTP. The clock is held still during the burst, so the
    // bucket does not leak while the requests are on their way (at 50 per second it would, by a few).
    const now = Date.now()
    let clock = now
    const frozen = jest.spyOn(Date, 'now').mockImplementation(() => clock)
    try {
      await withSandbox({}, async (sandbox) => {
        const answers = await pipelined(sandbox.url, 1001, '/contacts?email=x%40example.com')
        expect(answers).toHaveLength(1001)
        expect(answers.slice(0, 1000).map((a) => a.status)).toEqual(Array(1000).fill(200))
        // The 1001st overflows. One request leaks out every 20 ms: the wait, rounded up to whole seconds, is 1 s.
        expect(answers[1000]).toEqual({ status: 429, retryAfter: '1' })
        // 20 ms later exactly one more request fits.
        clock = now + 20
        expect((await call(sandbox.url, 'GET', '/contacts?email=x%40example.com')).status).toBe(200)
        const again = await call(sandbox.url, 'GET', '/contacts?email=x%40example.com')
        expect(again.status).toBe(429)
        expect(again.headers.get('retry-after')).toBe('1')
        expect(again.body.error.message).toBe('Rate limit exceeded: retry after 1 s')
        expect(sandbox.counts()).toMatchObject({ 'GET /contacts': 1003, '429': 2 })
      })
    } finally {
      frozen.mockRestore()
    }
    const bucket = new LeakyBucket(DEFAULT_RATE_LIMIT, 0)
    for (let i = 0; i < 1000; i++) expect(bucket.take(0)).toEqual({ allowed: true })
    expect(bucket.take(0)).toEqual({ allowed: false, retryAfterSeconds: 1 })
    expect(bucket.take(19)).toEqual({ allowed: false, retryAfterSeconds: 1 })
    expect(bucket.take(20)).toEqual({ allowed: true })
    expect(bucket.take(20)).toEqual({ allowed: false, retryAfterSeconds: 1 })
    expect(bucket.take(1020)).toEqual({ allowed: true })
    expect(DEFAULT_RATE_LIMIT).toEqual({ capacity: 1000, windowMs: 20000 })
  })

  it('keeps one bucket per token and can be turned off', async () => {
    const tokens = { a: ['contact_read'], b: ['contact_read'] }
    await withSandbox({ tokens, rateLimit: { capacity: 1, windowMs: 60000 } }, async (sandbox) => {
      expect((await call(sandbox.url, 'GET', '/contacts?email=x%40example.com', undefined, 'a')).status).toBe(200)
      expect((await call(sandbox.url, 'GET', '/contacts?email=x%40example.com', undefined, 'a')).status).toBe(429)
      expect((await call(sandbox.url, 'GET', '/contacts?email=x%40example.com', undefined, 'b')).status).toBe(200)
    })
    await withSandbox({ tokens, rateLimit: false }, async (sandbox) => {
      const answers = await Promise.all(
        Array.from({ length: 30 }, () => call(sandbox.url, 'GET', '/contacts?email=x%40example.com', undefined, 'a'))
      )
      expect(answers.map((a) => a.status)).toEqual(Array(30).fill(200))
    })
  })
})

describe('fault knobs', () => {
  it('answers a seeded share of 500 and 503, the same on every run with the same seed', async () => {
    const faults: Partial<FaultOptions> = { errorRate: 0.5, seed: 7 }
    const first = await withSandbox({ faults }, (sandbox) => statuses(sandbox, 40))
    const again = await withSandbox({ faults }, (sandbox) => statuses(sandbox, 40))
    const otherSeed = await withSandbox({ faults: { ...faults, seed: 8 } }, (sandbox) => statuses(sandbox, 40))
    expect(again).toEqual(first)
    expect(otherSeed).not.toEqual(first)
    expect(first).toContain(500)
    expect(first).toContain(503)
    const failed = first.filter((s) => s !== 200).length
    expect(failed).toBeGreaterThan(8)
    expect(failed).toBeLessThan(32)
  })

  it('errorRate 1 fails every Drift request but not the admin routes, page or widget', async () => {
    await withSandbox({ faults: { errorRate: 1 } }, async (sandbox) => {
      expect((await statuses(sandbox, 5)).every((s) => s === 500 || s === 503)).toBe(true)
      const counts = sandbox.counts()
      expect((counts['500'] ?? 0) + (counts['503'] ?? 0)).toBe(5)
      expect(counts['POST /contacts']).toBe(5)
      for (const path of ['/', '/_sandbox/state', '/include/1/abc.js'])
        expect((await fetch(sandbox.url + path)).status).toBe(200)
      expect(sandbox.state.contacts).toHaveLength(0)
    })
  })

  it('rateLimitRate answers 429, with Retry-After only when retryAfterSeconds is set', async () => {
    await withSandbox({ faults: { rateLimitRate: 1 } }, async (sandbox) => {
      const plain = await call(sandbox.url, 'POST', '/contacts', contactBody(1))
      expect(plain.status).toBe(429)
      expect(plain.headers.get('retry-after')).toBeNull()
      sandbox.setFaults({ retryAfterSeconds: 3 })
      const withHeader = await call(sandbox.url, 'POST', '/contacts', contactBody(1))
      expect(withHeader.status).toBe(429)
      expect(withHeader.headers.get('retry-after')).toBe('3')
      sandbox.setFaults({ rateLimitRate: 0 })
      expect((await call(sandbox.url, 'POST', '/contacts', contactBody(1))).status).toBe(200)
    })
  })

  it('latencyMs delays Drift answers', async () => {
    await withSandbox({ faults: { latencyMs: 150 } }, async (sandbox) => {
      const started = Date.now()
      expect((await call(sandbox.url, 'GET', '/contacts?email=a%40example.com')).status).toBe(200)
      expect(Date.now() - started).toBeGreaterThanOrEqual(140)
      const adminStarted = Date.now()
      await fetch(`${sandbox.url}/_sandbox/counts`)
      expect(Date.now() - adminStarted).toBeLessThan(140)
    })
  })

  it('dropRate destroys the connection without an answer', async () => {
    await withSandbox({ faults: { dropRate: 1 } }, async (sandbox) => {
      await expect(call(sandbox.url, 'POST', '/contacts', contactBody(1))).rejects.toThrow()
      expect(sandbox.counts().dropped).toBe(1)
      expect(sandbox.state.contacts).toHaveLength(0)
    })
  })

  it('hangRate never answers, and close() ends the hung requests', async () => {
    const sandbox = await startSandbox({ faults: { hangRate: 1 } })
    const pending = call(sandbox.url, 'POST', '/contacts', contactBody(1))
    const outcome = pending.then(
      () => 'answered',
      () => 'failed'
    )
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(sandbox.counts().hung).toBe(1)
    const raced = await Promise.race([
      outcome,
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 100))
    ])
    expect(raced).toBe('still waiting')
    await sandbox.close()
    expect(await outcome).toBe('failed')
  })

  it('close() also cuts latency short', async () => {
    const sandbox = await startSandbox({ faults: { latencyMs: 60000 } })
    const outcome = call(sandbox.url, 'GET', '/contacts?email=a%40example.com').then(
      () => 'answered',
      () => 'failed'
    )
    await new Promise((resolve) => setTimeout(resolve, 50))
    const started = Date.now()
    await sandbox.close()
    expect(await outcome).toBe('failed')
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('POST /_sandbox/faults merges settings and refuses bad ones naming the field', async () => {
    await withSandbox({}, async (sandbox) => {
      const set = await call(sandbox.url, 'POST', '/_sandbox/faults', { errorRate: 1, seed: 3 }, null)
      expect(set.status).toBe(200)
      expect(set.body).toMatchObject({ errorRate: 1, seed: 3, dropRate: 0 })
      expect([500, 503]).toContain((await call(sandbox.url, 'POST', '/contacts', contactBody(1))).status)
      const bad = await call(sandbox.url, 'POST', '/_sandbox/faults', { errorRate: 2 }, null)
      expect(bad.status).toBe(400)
      expect(bad.body.error.message).toContain('faults.errorRate')
      const unknown = await call(sandbox.url, 'POST', '/_sandbox/faults', { errorrate: 0 }, null)
      expect(unknown.status).toBe(400)
      expect(unknown.body.error.message).toContain('faults.errorrate')
      expect((await call(sandbox.url, 'GET', '/_sandbox/faults', undefined, null)).body.errorRate).toBe(1)
    })
  })
})
