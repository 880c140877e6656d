// Pacing for the replay: a token bucket matched to Drift's rate limit (a leaky bucket, about 1000 requests per
// 20 s) and a pause shared by every worker when Drift answers 429 with Retry-After. The retry rules themselves
// (what is retryable, Retry-After, backoff) live in destinations/drift/retry.ts.

export interface Rate {
  /** Requests allowed per window. */
  requests: number
  windowMs: number
}

export const DEFAULT_RATE: Rate = { requests: 1000, windowMs: 20_000 }

/** Parses `1000/20s`, `500/2s`, `10/500ms`, `50/1m`; `off` turns pacing off (returns undefined). */
export function parseRate(text: string): Rate | undefined {
  if (text === 'off') return undefined
  const match = /^(\d+)\s*\/\s*(\d+(?:\.\d+)?)?\s*(ms|s|m)$/.exec(text.trim())
  if (!match) throw new Error(`--rate must look like 1000/20s, 500/2s or 10/500ms (or "off"); got "${text}"`)
  const requests = Number(match[1])
  const amount = match[2] === undefined ? 1 : Number(match[2])
  const windowMs = amount * (match[3] === 'ms' ? 1 : match[3] === 's' ? 1000 : 60_000)
  if (requests < 1 || !(windowMs > 0)) throw new Error(`--rate needs at least 1 request per a positive window`)
  return { requests, windowMs }
}

export const formatRate = (rate: Rate | undefined): string =>
  rate
    ? `${rate.requests} requests per ${rate.windowMs >= 1000 ? `${rate.windowMs / 1000} s` : `${rate.windowMs} ms`}`
    : 'off'

/** Thrown by waits when the run is interrupted. */
export class AbortedError extends Error {
  constructor() {
    super('Interrupted')
    this.name = 'AbortedError'
  }
}

/** Waits `ms`; rejects with AbortedError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError())
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(new AbortedError())
    }
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      },
      Math.max(0, ms)
    )
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * A token bucket: `rate.requests` tokens refill evenly over `rate.windowMs`. The bucket holds at most
 * `burstShare` of a full window so the server's bucket (filled by our burst, drained at the same rate) keeps
 * headroom for clock skew and network jitter; the steady rate is the full rate. Waiters are served in order.
 */
export class TokenBucket {
  private tokens: number
  private updatedAt: number
  private pausedUntil = 0
  private queue: Promise<void> = Promise.resolve()
  private readonly capacity: number
  private readonly perMs: number

  constructor(
    readonly rate: Rate,
    burstShare = 0.9,
    private readonly now: () => number = Date.now
  ) {
    this.capacity = Math.max(1, Math.floor(rate.requests * burstShare))
    this.perMs = rate.requests / rate.windowMs
    this.tokens = this.capacity
    this.updatedAt = now()
  }

  /** Resolves when one request may be sent. */
  take(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.waitForToken(signal))
    // The next waiter starts after this one, whether it got a token or was aborted.
    this.queue = turn.catch(() => undefined)
    return turn
  }

  /** Everybody waits until `until` (epoch ms): Drift said Retry-After. */
  pauseUntil(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until)
  }

  private refill(): void {
    const now = this.now()
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.updatedAt) * this.perMs)
    this.updatedAt = now
  }

  private async waitForToken(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw new AbortedError()
      const pause = this.pausedUntil - this.now()
      if (pause > 0) {
        await sleep(pause, signal)
        continue
      }
      this.refill()
      if (this.tokens >= 1) {
        this.tokens -= 1
        return
      }
      await sleep(Math.ceil((1 - this.tokens) / this.perMs), signal)
    }
  }
}
