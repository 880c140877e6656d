import {
  Destination,
  InvalidAuthenticationError,
  RetryableError,
  type DestinationDefinition,
  type JSONObject,
  type RequestExtension,
  type SegmentEvent,
  type Subscription
} from '@segment/actions-core'
import { parseRetryAfter } from './pacer'

// The bridge to the cloud destination: every event goes through the destination's own actions via actions-core
// (`Destination#onEvent` with the preset's subscription and mapping). Nothing here knows how Drift is called;
// it only adds request hooks to count requests, pace them, and notice Retry-After.

/** Event types the destination has presets for, and `screen`, which goes through the page preset's action. */
export const SUPPORTED_TYPES = ['identify', 'track', 'page', 'screen', 'group'] as const
const PRESET_FOR: Record<string, string> = {
  identify: 'identify',
  track: 'track',
  page: 'page',
  screen: 'page',
  group: 'group'
}

export interface RequestRecord {
  method: string
  url: string
  status: number
  body?: unknown
}

export interface RequestStats {
  requests: number
  byStatus: Record<string, number>
  byRoute: Record<string, number>
}

export interface DeliveryHooks {
  /** Awaited before every HTTP request (the pacer). */
  beforeRequest?: () => Promise<void>
  /** Called when Drift answers 429 with a Retry-After (ms). */
  onRetryAfter?: (ms: number) => void
  /** Called with every answered request (dry run prints them). */
  onResponse?: (record: RequestRecord) => void
}

/** actions-core merges hook lists from `extendRequest` at run time; its `RequestOptions` type omits them. */
type HookedRequestOptions = ReturnType<RequestExtension<unknown>> & {
  beforeRequest?: Array<(options: unknown) => unknown>
  afterResponse?: Array<
    (
      request: { url: string; method: string },
      options: unknown,
      response: { status: number; headers: { get(name: string): string | null } }
    ) => unknown
  >
}

/** Finds the preset subscribing to `type = "<eventType>"`. */
function presetSubscription(definition: DestinationDefinition<unknown>, eventType: string): Subscription | undefined {
  const presets = (definition.presets ?? []) as Array<Partial<Subscription> & { type?: string }>
  const preset = presets.find(
    (p) => p.type === 'automatic' && typeof p.subscribe === 'string' && p.subscribe.includes(`type = "${eventType}"`)
  )
  if (!preset?.partnerAction || !preset.subscribe) return undefined
  return { partnerAction: preset.partnerAction, subscribe: preset.subscribe, mapping: preset.mapping ?? {} }
}

/** Subscriptions per supported event type; `screen` reuses the page preset's action and mapping. */
export function subscriptionsFor(definition: DestinationDefinition<unknown>): Map<string, Subscription> {
  const out = new Map<string, Subscription>()
  for (const type of SUPPORTED_TYPES) {
    const preset = presetSubscription(definition, PRESET_FOR[type])
    if (preset) out.set(type, { ...preset, subscribe: `type = "${type}"` })
  }
  return out
}

/** Adds our hooks to the destination's own request options (hook lists are concatenated by actions-core). */
export function withHooks(
  definition: DestinationDefinition<unknown>,
  stats: RequestStats,
  hooks: DeliveryHooks
): DestinationDefinition<unknown> {
  const own = definition.extendRequest
  const extendRequest: RequestExtension<unknown> = (data) => {
    const base = (own ? own(data) : {}) as HookedRequestOptions
    const hooked: HookedRequestOptions = {
      ...base,
      beforeRequest: [
        ...(base.beforeRequest ?? []),
        async () => {
          if (hooks.beforeRequest) await hooks.beforeRequest()
          stats.requests++
        }
      ],
      afterResponse: [
        ...(base.afterResponse ?? []),
        (request, options, response) => {
          const status = String(response.status)
          stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1
          const path = new URL(request.url).pathname.replace(/\/\d+$/, '/:id')
          const route = `${request.method} ${path}`
          stats.byRoute[route] = (stats.byRoute[route] ?? 0) + 1
          if (response.status === 429) {
            const ms = parseRetryAfter(response.headers.get('retry-after'))
            if (ms !== undefined) hooks.onRetryAfter?.(ms)
          }
          if (hooks.onResponse) {
            const o = options as { json?: unknown; body?: unknown }
            let body = o.json
            if (body === undefined && typeof o.body === 'string') {
              try {
                body = JSON.parse(o.body)
              } catch {
                body = o.body
              }
            }
            hooks.onResponse({ method: request.method, url: request.url, status: response.status, body })
          }
          return response
        }
      ]
    }
    return hooked as ReturnType<RequestExtension<unknown>>
  }
  return { ...definition, extendRequest }
}

export type DeliveryResult =
  | { ok: true }
  | {
      ok: false
      /** retry: worth another attempt · fatal: stop the run (the token was refused) · refused: this event only. */
      kind: 'retry' | 'fatal' | 'refused'
      reason: string
      status?: number
      /** Drift's Retry-After, when it sent one. */
      retryAfterMs?: number
      /** true when the event was refused before any request (validation). */
      beforeSending: boolean
    }

const RETRYABLE_STATUS = (status: number | undefined): boolean =>
  status === 408 || status === 429 || (status !== undefined && status >= 500)

/** Network failures from node-fetch (no answer at all) are worth retrying. */
const NETWORK_CODES = /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|ESOCKETTIMEDOUT|EAI_AGAIN|ENOTFOUND|UND_ERR_\w+)$/

function statusOf(error: unknown): number | undefined {
  const e = error as { status?: unknown; response?: { status?: unknown } } | undefined
  if (typeof e?.status === 'number') return e.status
  if (typeof e?.response?.status === 'number') return e.response.status
  return undefined
}

function retryAfterOf(error: unknown): number | undefined {
  const e = error as { retryAfterSeconds?: unknown } | undefined
  return typeof e?.retryAfterSeconds === 'number' ? e.retryAfterSeconds * 1000 : undefined
}

/** Sorts an error from actions-core or the destination into retry / fatal / refused. */
export function classify(error: unknown, requestsBefore: number, requestsAfter: number): DeliveryResult {
  const status = statusOf(error)
  const message = error instanceof Error ? error.message : String(error)
  const code = (error as { code?: unknown } | undefined)?.code
  const beforeSending = requestsAfter === requestsBefore
  if (error instanceof InvalidAuthenticationError || status === 401) {
    return { ok: false, kind: 'fatal', reason: message, status: 401, beforeSending }
  }
  const noAnswer = typeof code === 'string' && NETWORK_CODES.test(code)
  if (
    error instanceof RetryableError ||
    RETRYABLE_STATUS(status) ||
    noAnswer ||
    (error as Error)?.name === 'FetchError'
  ) {
    return { ok: false, kind: 'retry', reason: message, status, retryAfterMs: retryAfterOf(error), beforeSending }
  }
  return { ok: false, kind: 'refused', reason: message, status, beforeSending }
}

export class Delivery {
  private readonly destination: Destination<unknown>
  readonly subscriptions: Map<string, Subscription>
  readonly stats: RequestStats = { requests: 0, byStatus: {}, byRoute: {} }

  constructor(
    definition: DestinationDefinition<unknown>,
    private readonly settings: JSONObject,
    hooks: DeliveryHooks
  ) {
    this.subscriptions = subscriptionsFor(definition)
    this.destination = new Destination(withHooks(definition, this.stats, hooks))
  }

  supports(type: string): boolean {
    return this.subscriptions.has(type)
  }

  /** The destination's own token check (e.g. `POST /app/token_info`), when it has one. */
  async checkAuthentication(): Promise<void> {
    await this.destination.testAuthentication(this.settings)
  }

  /** One attempt at one event through the destination's action. */
  async send(event: SegmentEvent): Promise<DeliveryResult> {
    const subscription = this.subscriptions.get(event.type)
    if (!subscription) {
      return { ok: false, kind: 'refused', reason: `unsupported event type "${event.type}"`, beforeSending: true }
    }
    const before = this.stats.requests
    try {
      const results = await this.destination.onEvent(event, { ...this.settings, subscription } as unknown as JSONObject)
      const failure = results.find((r) => (r as { error?: unknown }).error !== undefined) as
        { error?: { message?: string } } | undefined
      if (failure) {
        return { ok: false, kind: 'refused', reason: failure.error?.message ?? 'failed', beforeSending: false }
      }
      const output = results.find((r) => typeof (r as { output?: unknown }).output === 'string') as
        { output: string } | undefined
      if (output?.output === 'not subscribed') {
        return { ok: false, kind: 'refused', reason: 'the event does not match the subscription', beforeSending: true }
      }
      return { ok: true }
    } catch (error) {
      return classify(error, before, this.stats.requests)
    } finally {
      // actions-core keeps every response on the Destination (for its tests): drop them, or memory grows per event.
      this.destination.responses.length = 0
    }
  }
}
