import {
  Destination,
  type DestinationDefinition,
  type JSONObject,
  type RequestExtension,
  type SegmentEvent,
  type Subscription
} from '@segment/actions-core'
import { classifyRetry, parseRetryAfterMs, type RetryKind } from '../destinations/drift/retry'
import { NO_CONSENT } from '../shared/privacy/consent'

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
  /** This client's request timeout in ms, read before every request (per client: nothing module-global). */
  timeoutMs?: () => number
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
          // Options returned by a hook are merged over the request's own, so this client's timeout wins.
          return hooks.timeoutMs ? { timeout: hooks.timeoutMs() } : undefined
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
            const ms = parseRetryAfterMs(response.headers.get('retry-after'))
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

/** Records the errors of the destination's token check as thrown, before actions-core rewraps them. */
function keepAuthErrors(definition: DestinationDefinition<unknown>, errors: unknown[]): DestinationDefinition<unknown> {
  const auth = definition.authentication
  const test = auth?.testAuthentication
  if (!auth || !test) return definition
  return {
    ...definition,
    authentication: {
      ...auth,
      testAuthentication: async (request, data) => {
        try {
          return await test(request, data)
        } catch (error) {
          errors.push(error)
          throw error
        }
      }
    }
  }
}

export type DeliveryResult =
  /** `skipped`: the action chose not to send it (no consent), a success that is never retried. */
  | { ok: true; skipped?: { label: string; reason: string } }
  | {
      ok: false
      /** What retrying can do (see destinations/drift/retry.ts); `final` refuses this event only. */
      kind: RetryKind
      reason: string
      status?: number
      /** The target's Retry-After, when it sent one. */
      retryAfterMs?: number
      /** true when the event was refused before any request (validation). */
      beforeSending: boolean
    }

/** Sorts an error from actions-core or the destination with the shared retry rules. */
export function classify(error: unknown, requestsBefore: number, requestsAfter: number): DeliveryResult {
  const verdict = classifyRetry(error)
  const reason = error instanceof Error ? error.message : String(error)
  return { ok: false, ...verdict, reason, beforeSending: requestsAfter === requestsBefore }
}

export class Delivery {
  private readonly destination: Destination<unknown>
  readonly subscriptions: Map<string, Subscription>
  readonly stats: RequestStats = { requests: 0, byStatus: {}, byRoute: {} }

  /** Requests that got an answer (any status); the rest timed out or lost their connection. */
  get answered(): number {
    return Object.values(this.stats.byStatus).reduce((a, b) => a + b, 0)
  }

  constructor(
    definition: DestinationDefinition<unknown>,
    private readonly settings: JSONObject,
    hooks: DeliveryHooks
  ) {
    this.subscriptions = subscriptionsFor(definition)
    this.destination = new Destination(withHooks(keepAuthErrors(definition, this.authErrors), this.stats, hooks))
  }

  /** The token check's own errors: actions-core rethrows them as plain Errors, losing status and class. */
  private readonly authErrors: unknown[] = []

  supports(type: string): boolean {
    return this.subscriptions.has(type)
  }

  /** The destination's own token check (e.g. `POST /app/token_info`), when it has one. */
  async checkAuthentication(): Promise<void> {
    this.authErrors.length = 0
    try {
      await this.destination.testAuthentication(this.settings)
    } catch (error) {
      throw this.authErrors.pop() ?? error
    }
  }

  /** One attempt at one event through the destination's action. */
  async send(event: SegmentEvent): Promise<DeliveryResult> {
    const subscription = this.subscriptions.get(event.type)
    if (!subscription) {
      return { ok: false, kind: 'final', reason: `unsupported event type "${event.type}"`, beforeSending: true }
    }
    const before = this.stats.requests
    try {
      const results = await this.destination.onEvent(event, { ...this.settings, subscription } as unknown as JSONObject)
      const failure = results.find((r) => (r as { error?: unknown }).error !== undefined) as
        { error?: { message?: string } } | undefined
      if (failure) {
        return { ok: false, kind: 'final', reason: failure.error?.message ?? 'failed', beforeSending: false }
      }
      const output = results.find((r) => typeof (r as { output?: unknown }).output === 'string') as
        { output: string } | undefined
      if (output?.output === 'not subscribed') {
        return { ok: false, kind: 'final', reason: 'the event does not match the subscription', beforeSending: true }
      }
      const executed = results.find((r) => (r as { output?: unknown }).output === 'Action Executed') as
        { data?: { skipped?: unknown; reason?: unknown } } | undefined
      if (executed?.data?.skipped === NO_CONSENT) {
        const reason = typeof executed.data.reason === 'string' ? executed.data.reason : NO_CONSENT
        return { ok: true, skipped: { label: NO_CONSENT, reason } }
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
