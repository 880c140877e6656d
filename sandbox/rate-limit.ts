// Drift's rate limit as third parties describe it: a leaky bucket, about 1000 requests per 20 seconds, 429 when
// it overflows. The sandbox keeps one bucket per bearer token and always sends Retry-After (Drift may not).

export interface RateLimitSettings {
  capacity: number
  windowMs: number
}

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number }

export class LeakyBucket {
  private level = 0
  private updatedAt: number
  /** Requests that leak out per millisecond. */
  private readonly leakPerMs: number

  constructor(
    private readonly settings: RateLimitSettings,
    now: number
  ) {
    if (!(settings.capacity >= 1) || !(settings.windowMs > 0)) {
      throw new Error('rateLimit needs capacity >= 1 and windowMs > 0')
    }
    this.updatedAt = now
    this.leakPerMs = settings.capacity / settings.windowMs
  }

  take(now: number): RateLimitDecision {
    this.level = Math.max(0, this.level - (now - this.updatedAt) * this.leakPerMs)
    this.updatedAt = now
    if (this.level + 1 <= this.settings.capacity) {
      this.level += 1
      return { allowed: true }
    }
    const waitMs = (this.level + 1 - this.settings.capacity) / this.leakPerMs
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) }
  }
}

export class RateLimiter {
  private readonly buckets = new Map<string, LeakyBucket>()

  constructor(private readonly settings: RateLimitSettings | false) {
    if (settings) new LeakyBucket(settings, 0) // validates the settings at start
  }

  take(key: string, now: number): RateLimitDecision {
    if (!this.settings) return { allowed: true }
    let bucket = this.buckets.get(key)
    if (!bucket) {
      bucket = new LeakyBucket(this.settings, now)
      this.buckets.set(key, bucket)
    }
    return bucket.take(now)
  }

  reset(): void {
    this.buckets.clear()
  }
}
