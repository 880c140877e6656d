import type { Socket } from 'node:net'
import type { FaultInjector } from './faults'
import type { RateLimiter } from './rate-limit'
import type { SandboxState } from './types'
import type { Variants } from './variants'

/** What the route plugins share: the live state, counters, fault and rate-limit machinery. */
export interface SandboxContext {
  state: SandboxState
  tokens: Record<string, string[]>
  faults: FaultInjector
  rateLimiter: RateLimiter
  signedIdentitySecret?: string
  requireSignedIdentity: boolean
  /** Live: routes read it on every request. */
  variants: Variants
  widgetReadyDelayMs: number
  /** Set once the server listens. */
  url: string
  stateFile?: string
  count(key: string): void
  counts(): Record<string, number>
  /** Keeps a hung request's socket until close() ends it. */
  hang(socket: Socket): void
  /** A delay that close() cuts short. */
  sleep(ms: number): Promise<void>
  isClosing(): boolean
  saveState(): Promise<string>
}
