import type { Analytics } from '@segment/analytics-next'
import { toDriftCompanyAttributes, toDriftContactAttributes } from '../../../shared/contact'
import { toDriftAttributes } from '../../../shared/flatten'
import { flattenOptionsOf } from '../../../shared/flatten-options'
import { isAbsent } from '../../../shared/absent'
import type { DeviceSettings } from '../../../shared/settings-rules'
import type { DriftAttributes, MappingResult } from '../../../shared/types'
import { forwardWidgetEvent } from './events'
import { guardUserId } from '../../../shared/identity'
import { resolveToken } from './identify'
import { installStub, insertWidgetScript } from './stub'
import { prefixed, say, type DriftWidgetApi, type DriftWidget, type KnownUser, type Log } from './types'

/** At most this many calls wait for `ready`; more are dropped with a warning rather than piling up. */
export const MAX_HELD_CALLS = 100

export type DriftClient = ReturnType<typeof createDriftClient>

const noop = () => {}

/** Mapping warnings go to the event's log: nothing is dropped or changed silently. */
function report(log: Log, result: MappingResult): DriftAttributes {
  for (const w of result.warnings) log('warn', prefixed(`${w.path || 'input'} ${w.action}: ${w.reason}`))
  return result.attributes
}

/** A call refused for a missing or blank field (thrown: the event gets a failed delivery). */
function need(value: unknown, call: string, field: string, numbers = false): void {
  const ok = typeof value === 'string' ? value.trim() !== '' : numbers && Number.isFinite(value)
  if (!ok) throw new TypeError(prefixed(`${call} needs a non-blank ${field}`))
}

/**
 * The one controller of Drift's widget, used by both the analytics-next plugin and the browser destination.
 * It installs the stub and the script, and sends calls in order along one promise chain: a call that needs
 * `drift.api` (attributes) waits there for `ready`, and every call behind it waits too, so Drift receives
 * everything exactly once and in order. Before `ready` a call's promise resolves at once (the caller goes on:
 * `ready` may take seconds), after it once sent. If the widget fails or is not ready in time, it says so, held
 * calls are dropped (said in their event's log) and later calls reject. The signedIdentity resolver: widget/identify.ts.
 */
export function createDriftClient(settings: DeviceSettings, win: Window = window) {
  const options = flattenOptionsOf(settings)
  let stub: DriftWidget | undefined
  let api: DriftWidgetApi | undefined
  let failure: Error | undefined
  let chain = Promise.resolve()
  /** Calls on the chain not yet done. */
  let queued = 0
  let readyTimer: ReturnType<typeof setTimeout> | undefined
  /** The last identify sent: its id, a key of its attributes (dedupe, user switch), and whether it was signed. */
  let last: { id: string; key: string; signed: boolean } | undefined
  let paged = false
  /** Console warnings already given (each is said once). */
  const said = new Set<string>()
  /** Resolves on the first `ready` or failure: the one call that needs `drift.api` before it waits on it. */
  let wake!: () => void
  const woken = new Promise<void>((resolve) => (wake = resolve))
  /** Resolves when a call starts waiting for `ready`: nothing more happens until then. */
  let stall!: () => void
  const stalled = new Promise<void>((resolve) => (stall = resolve))

  /** A warning for the event's log, and the first time also for the console. */
  const once = (log: Log, message: string) =>
    said.has(message) ? log('warn', message) : (said.add(message), say(log, 'warn', message))

  // After the script ran, window.drift is the real widget, no longer the stub we installed.
  const widget = () => ((win as { drift?: DriftWidget }).drift ?? stub) as DriftWidget

  const contact = (traits: unknown, campaignSource: unknown, log: Log) =>
    report(log, toDriftContactAttributes(traits, { ...options, campaignSource }))

  /** Visitor attributes wait on the chain for `ready`; none left after mapping is said, not sent. */
  async function sendAttributes(attributes: DriftAttributes, log: Log): Promise<void> {
    if (Object.keys(attributes).length) return enqueue(log, () => api!.setUserAttributes(attributes), true)
    log(
      'warn',
      prefixed(
        process.env.NODE_ENV !== 'production' ? 'no attributes left after mapping: nothing sent' : 'no-attributes'
      )
    )
  }

  /**
   * Adds a call to the chain. Before `ready` its promise resolves at once, and a failure (or the widget's
   * failure, which drops it) can only be reported to the event's log and the console. After `ready` it resolves
   * when the call has been sent, and rejects with its error. Once the widget failed, it rejects at once. A call
   * that needs `drift.api` waits for `ready` first.
   */
  async function enqueue(log: Log, run: () => unknown, needsApi?: boolean): Promise<void> {
    // Async: a rejection, never a throw (callers such as the `reset` listener only handle promises).
    if (failure) throw failure
    const held = !api
    if (held && queued >= MAX_HELD_CALLS) {
      const message = prefixed(
        process.env.NODE_ENV !== 'production'
          ? `${MAX_HELD_CALLS} calls are already waiting for the Drift widget; this call was dropped`
          : 'queue-full'
      )
      return once(log, message)
    }
    queued++
    const sent = chain.then(async () => {
      if (needsApi && !api) await (stall(), woken)
      // A failure drops the call (the widget may still become ready later, for the calls after it).
      if (failure) throw failure
      await run()
    })
    chain = sent.then(
      () => void queued--,
      (error: Error) => {
        queued--
        if (!held) return
        if (error === failure) log('error', error.message + ' (held call dropped)')
        else say(log, 'error', error.message)
      }
    )
    if (!held) return sent
  }

  // The readiness timer may still fire after a failure or `ready`: both make it do nothing.
  function fail(reason: string): void {
    if (api || failure) return
    failure = new Error(prefixed(reason))
    console.error(failure.message)
    wake()
  }

  function onReady(given: unknown): void {
    const found = (given as DriftWidgetApi | undefined) ?? widget().api
    if (typeof found?.setUserAttributes !== 'function') return fail('widget ready without api')
    clearTimeout(readyTimer)
    if (failure) {
      console.warn(
        prefixed(
          process.env.NODE_ENV !== 'production'
            ? 'the Drift widget became ready after all; calls are sent again'
            : 'late-ready'
        )
      )
    }
    failure = undefined
    api = found
    wake()
  }

  /**
   * `drift.identify(id, attributes, { userJwt })` for a user with an id (mode `identify`), unless the identity
   * guard refuses the id, a required signed identity is missing, or it repeats the last identify: each said in
   * `log`. A user switch resets Drift first.
   */
  async function sendIdentify(user: KnownUser, log: Log): Promise<void> {
    const attributes = contact(user.traits, user.campaignSource, log)
    // Unsigned: its warning (an email as id) is said only if no token turns up.
    const guard = guardUserId(user.userId, { blockedIds: settings.blockedUserIds })
    if (!guard.ok) return log('warn', prefixed(`identify not sent: ${guard.reason}`))
    const { id } = guard
    // Attributes are flat: the sorted keys as the replacer give the same key in any key order.
    const key = JSON.stringify(attributes, Object.keys(attributes).sort())
    const same = last?.id === id && last.key === key
    // Sent before, signed: not the resolver again (nor the contact). A signed one after an unsigned one proves it.
    const token = same && last?.signed ? undefined : (user.token ?? (await resolveToken(settings, id, log)))
    if (same && (last?.signed || !token)) {
      return log(
        'debug',
        prefixed(
          process.env.NODE_ENV !== 'production'
            ? 'identify skipped: same user and attributes as the last one sent'
            : 'identify-duplicate'
        )
      )
    }
    if (guard.warning && !token) log('warn', prefixed(guard.warning))
    if (settings.requireSignedIdentity && !token) {
      // A refusal: the same text in production.
      const message = prefixed('identify not sent: requireSignedIdentity needs a signed identity')
      return once(log, message)
    }
    const drift = widget() // asked now: the real widget may have replaced the stub while the resolver ran
    if (last && last.id !== id) drift.reset()
    drift.identify(id, attributes, ...(token ? [{ userJwt: token }] : []))
    last = { id, key, signed: !!token }
  }

  const identifyKnown = (user: KnownUser | undefined, log: Log) =>
    user && settings.identityMode === 'identify' && sendIdentify(user, log)

  return {
    settings,

    get status(): 'loading' | 'ready' | 'failed' {
      return failure ? 'failed' : api ? 'ready' : 'loading'
    },

    /**
     * Installs the stub, identifies a known user first (Drift ties the visitor to a contact at load time),
     * subscribes to `ready` and the widget events (forwarded into `analytics`), then inserts the script.
     * Resolves once the script is inserted: the stub queues calls, so the page is not held up until ready.
     */
    async start(knownUser: KnownUser | undefined, analytics: Analytics, log: Log): Promise<void> {
      const { embedId, scriptOrigin, readyTimeoutMs } = settings
      const drift = (stub = installStub(win, scriptOrigin))
      // Nothing else is on the chain yet: the identify goes to the stub before the script is inserted.
      await identifyKnown(knownUser, log)
      drift.on('ready', onReady)
      // Forwarding only starts analytics calls (promises): it does not throw into Drift's widget.
      for (const name of settings.widgetEvents) {
        drift.on(name, (payload: unknown) =>
          forwardWidgetEvent(analytics, name, payload, settings.identifyOnEmailCapture)
        )
      }
      readyTimer = setTimeout(fail, readyTimeoutMs, `widget not ready within readyTimeoutMs (${readyTimeoutMs} ms)`)
      // The real widget already on the page is reused.
      if (!drift.init) insertWidgetScript(win.document, scriptOrigin, embedId, fail)
    },

    /** identify: `drift.identify` with a user id in identity mode `identify`, else visitor attributes. */
    identify: (user: KnownUser, log: Log) =>
      settings.identityMode === 'attributes' || isAbsent(user.userId)
        ? sendAttributes(contact(user.traits, user.campaignSource, log), log)
        : enqueue(log, () => sendIdentify(user, log)),

    /** Visitor attributes (`drift.api.setUserAttributes`), from traits mapped like a contact's. */
    setAttributes: (traits: unknown, campaignSource: unknown, log: Log) =>
      sendAttributes(contact(traits, campaignSource, log), log),

    /** group: `company_id`, `company_name` and `company_*` as visitor attributes. */
    group(groupId: unknown, traits: unknown, log: Log): Promise<void> {
      // Company attributes without company_id would describe no company in particular.
      need(groupId, 'group', 'groupId', true)
      return sendAttributes(report(log, toDriftCompanyAttributes(groupId, traits, options)), log)
    },

    track(event: unknown, properties: unknown, log: Log): Promise<void> {
      need(event, 'track', 'event name')
      const attributes = report(log, toDriftAttributes(properties, options))
      return enqueue(log, () => widget().track(event as string, attributes))
    },

    /** page: `drift.page(name)`; the first page identifies a known user once if nobody was identified yet. */
    page: (name: string, knownUser: KnownUser | undefined, log: Log) =>
      enqueue(log, async () => {
        const first = !paged && !last
        paged = true
        if (first) await identifyKnown(knownUser, log)
        widget().page(name)
      }),

    /** reset (logout): `drift.reset()`, and the last identity is forgotten. */
    reset: (log: Log = noop) =>
      enqueue(log, () => {
        last = undefined
        paged = false
        if (stub) widget().reset() // before a consented start, nothing of ours is on the page to reset
      }),

    /**
     * Resolves when every call made so far is sent, or when the chain waits for `ready` (tests and shutdown use
     * it). Once ready or failed, the chain itself settles.
     */
    idle: () => (api || failure ? chain : Promise.race([chain, stalled]))
  }
}
