import type { FaultOptions } from './types'

// Fault injection for tests: one seeded PRNG draw per Drift API request decides its fate, so the same seed and
// the same order of requests give the same faults on every run.

export type FaultDecision = 'none' | 'drop' | 'hang' | 'rate-limit' | 'error-500' | 'error-503'

export const DEFAULT_FAULT_SEED = 1

export const NO_FAULTS: FaultOptions = {
  errorRate: 0,
  rateLimitRate: 0,
  latencyMs: 0,
  dropRate: 0,
  hangRate: 0
}

/** mulberry32: small, fast and good enough to spread faults evenly. Returns numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const RATES = ['errorRate', 'rateLimitRate', 'dropRate', 'hangRate'] as const

/** Checks a partial fault setting; throws an Error naming the field. */
export function validateFaults(input: unknown): Partial<FaultOptions> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new Error('faults must be an object')
  }
  const faults = input as Record<string, unknown>
  const known = new Set<string>([...RATES, 'latencyMs', 'retryAfterSeconds', 'seed'])
  for (const key of Object.keys(faults)) {
    if (!known.has(key)) throw new Error(`faults.${key} is not a fault setting (known: ${[...known].join(', ')})`)
  }
  for (const key of RATES) {
    const value = faults[key]
    if (value !== undefined && (typeof value !== 'number' || !(value >= 0 && value <= 1))) {
      throw new Error(`faults.${key} must be a number between 0 and 1`)
    }
  }
  for (const key of ['latencyMs', 'retryAfterSeconds', 'seed'] as const) {
    const value = faults[key]
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
      throw new Error(`faults.${key} must be a number >= 0`)
    }
  }
  return faults as Partial<FaultOptions>
}

export class FaultInjector {
  private settings: FaultOptions
  private random: () => number

  constructor(initial: Partial<FaultOptions> = {}) {
    this.settings = { ...NO_FAULTS, ...validateFaults(initial) }
    this.random = seededRandom(this.settings.seed ?? DEFAULT_FAULT_SEED)
  }

  get current(): FaultOptions {
    return { ...this.settings }
  }

  /** Merges the settings given; a new seed restarts the PRNG. */
  update(partial: Partial<FaultOptions>): void {
    this.settings = { ...this.settings, ...validateFaults(partial) }
    if (partial.seed !== undefined) this.restart()
  }

  restart(): void {
    this.random = seededRandom(this.settings.seed ?? DEFAULT_FAULT_SEED)
  }

  /** One draw per request, cut into bands: drop, hang, 429, then 500/503 (halves of the error band). */
  decide(): FaultDecision {
    const { dropRate, hangRate, rateLimitRate, errorRate } = this.settings
    let r = this.random()
    if (r < dropRate) return 'drop'
    r -= dropRate
    if (r < hangRate) return 'hang'
    r -= hangRate
    if (r < rateLimitRate) return 'rate-limit'
    r -= rateLimitRate
    if (r < errorRate) return r < errorRate / 2 ? 'error-500' : 'error-503'
    return 'none'
  }
}
