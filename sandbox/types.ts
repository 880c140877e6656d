import type { Variants } from './variants'

// Shapes shared by the sandbox's store, routes and page. Everything here is plain JSON so the state can be
// saved to a file and served to the page as is.

/** A value Drift accepts as a contact attribute: flat only. */
export type FlatValue = string | number | boolean | null

export type AttributeType = 'STRING' | 'NUMERIC' | 'BOOLEAN' | 'DATETIME' | 'DATE'

export interface SandboxContact {
  /** Drift contact ids are 64-bit integers; ours start at 1000000001. */
  id: number
  /** Epoch milliseconds. */
  createdAt: number
  attributes: Record<string, FlatValue>
}

export interface SandboxTimelineEvent {
  id: number
  contactId: number
  event: string
  /** Epoch milliseconds: the `createdAt` sent, or the time it arrived. */
  createdAt: number
  /** Drift stringifies timeline attribute values. */
  attributes: Record<string, string>
  receivedAt: number
}

export interface AccountCustomProperty {
  name: string
  label?: string
  type?: string
  value: FlatValue
}

export interface SandboxAccount {
  accountId: string
  ownerId: number
  name?: string
  domain: string
  customProperties: AccountCustomProperty[]
  targeted: boolean
  createDateTime: number
  updateDateTime: number
}

/** What the server checked about a signed identity sent with a widget `identify` (the token itself is never kept). */
export interface IdentityCheck {
  hasToken: boolean
  verified: boolean
  reason: string
}

export interface WidgetCall {
  receivedAt: number
  sessionId: string
  embedId: string
  /** Order of the call within its page session (reports can arrive out of order). */
  seq: number
  method: string
  args: unknown[]
  beforeLoad: boolean
  at: number
  ignored?: string
  identity?: IdentityCheck
}

export interface SandboxState {
  contacts: SandboxContact[]
  accounts: SandboxAccount[]
  timeline: SandboxTimelineEvent[]
  widgetCalls: WidgetCall[]
  /** Attribute name -> type, fixed by the first write (Drift creates unknown attributes automatically). */
  attributeTypes: Record<string, AttributeType>
  nextContactId: number
  nextEventId: number
}

export interface FaultOptions {
  /** Share of Drift API requests answered 500 or 503 (0..1). */
  errorRate: number
  /** Share of Drift API requests answered 429 (0..1). */
  rateLimitRate: number
  /** When set, injected 429s carry `Retry-After` with this many seconds. */
  retryAfterSeconds?: number
  /** Added to every Drift API request before it is handled. */
  latencyMs: number
  /** Share of Drift API requests whose socket is destroyed without an answer (0..1). */
  dropRate: number
  /** Share of Drift API requests never answered, until the sandbox closes (0..1). */
  hangRate: number
  /** Seed of the PRNG that picks which requests fail: the same seed and request order give the same faults. */
  seed?: number
}

export interface SandboxOptions {
  /** Default '127.0.0.1'; anything that is not a loopback address is refused. */
  host?: string
  /** Default 0 (a free port). */
  port?: number
  /** Token -> scopes. Default: `{ [DEFAULT_SANDBOX_TOKEN]: ALL_SCOPES }`. */
  tokens?: Record<string, string[]>
  /** Leaky bucket per token, default `{ capacity: 1000, windowMs: 20000 }`; `false` turns it off. */
  rateLimit?: { capacity: number; windowMs: number } | false
  faults?: Partial<FaultOptions>
  /** Loaded at start when present, saved on close and on `POST /_sandbox/save`; its `variants` field is read too. */
  stateFile?: string
  /** How the sandbox answers where Drift's documentation is silent (see variants.ts); wins over the state file's. */
  variants?: Partial<Variants>
  /** HS256 secret that signed identities sent to the widget are checked against. */
  signedIdentitySecret?: string
  /** The widget ignores `identify` without a token; the server verifies tokens. */
  requireSignedIdentity?: boolean
  /** How long the served widget waits before firing 'ready' (default 50). */
  widgetReadyDelayMs?: number
  logger?: boolean
}

export interface Sandbox {
  /** 'http://127.0.0.1:PORT' */
  url: string
  /** The live in-memory state. */
  state: SandboxState
  /** Requests per endpoint ('POST /contacts', 'PATCH /contacts/:id', ...) plus error statuses ('429', '500', ...), 'dropped', 'hung'. */
  counts(): Record<string, number>
  setFaults(f: Partial<FaultOptions>): void
  /** The answers chosen for behaviours Drift does not document. */
  variants(): Variants
  /** Changes some variants (checked: an unknown name or choice throws, naming it); the rest stay. */
  setVariants(v: Partial<Variants>): void
  /** Clears state, counts and rate-limit buckets (fault settings stay; their PRNG restarts from the seed). */
  reset(): void
  /** Ends hung requests, closes the server and saves the state file when one is set. */
  close(): Promise<void>
}
