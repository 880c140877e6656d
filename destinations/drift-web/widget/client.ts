import { toDriftCompanyAttributes, toDriftContactAttributes } from '../../../shared/contact'
import { DEV } from '../../../shared/dev'
import { toDriftAttributes } from '../../../shared/flatten'
import { flattenOptionsOf } from '../../../shared/flatten-options'
import { guardUserId } from '../../../shared/identity'
import { isAbsent } from '../../../shared/absent'
import type { DeviceSettings } from '../../../shared/settings-rules'
import type { DriftAttributes, MappingResult } from '../../../shared/types'
import { insertWidgetScript } from './load'
import { installStub } from './stub'
import { PREFIX, type DriftWidgetApi, type DriftWidget, type Log } from './types'

/** At most this many calls wait for `ready`; more are dropped with a warning rather than piling up. */
export const MAX_HELD_CALLS = 100

export interface KnownUser {
  userId: unknown
  traits?: unknown
  /** A signed identity (JWT) that came with the call; otherwise the `signedIdentity` resolver is asked. */
  token?: string
  /** `context.campaign.source`: becomes `recent_source` unless the traits give one. */
  campaignSource?: unknown
}

export type WidgetEventHandler = (driftEvent: string, payload: unknown) => void

const noLog: Log = () => {}
const noop = () => {}

/** A warning: its text in development builds, a short code (docs/device-mode.md) in production. */
const warning = (text: string, code: string) => `${PREFIX} ${DEV ? text : code}`

/**
 * The one controller of Drift's widget, used by both the analytics-next plugin and the browser destination.
 * It installs the stub and the script, and sends calls in order along one promise chain: a call that needs
 * `drift.api` (attributes) waits there for `ready`, and every call behind it waits too, so Drift receives
 * everything exactly once and in order. A call's promise resolves once sent, or once the chain waits for
 * `ready` (the caller goes on). It also remembers the last identity (no duplicate writes, a reset before
 * another user) and resolves signed identities. If the widget fails or is not ready in time, it says so,
 * held calls are dropped and later calls reject.
 */
export class DriftClient {
  readonly settings: DeviceSettings
  private readonly win: Window
  private stub!: DriftWidget
  private api: DriftWidgetApi | undefined
  private failure: Error | undefined
  private chain: Promise<void> = Promise.resolve()
  /** Calls on the chain not yet done. */
  private queued = 0
  /** The chain waits for `ready`. */
  private waiting = false
  /** Resolve the callers still waiting for their call, when the chain starts waiting for `ready`. */
  private accept: Array<() => void> = []
  private idlers: Array<() => void> = []
  private ready: Promise<void>
  private readyAnswer: [() => void, (error: Error) => void] = [noop, noop]
  private readyTimer: ReturnType<typeof setTimeout> | undefined
  /** `id` + attributes of the last identify sent (dedupe, user switch). */
  private last: { id: string; key: string; signed: boolean } | undefined
  private paged = false
  /** Console warnings already given (each is said once). */
  private said = new Set<string>()

  constructor(settings: DeviceSettings, win: Window = window) {
    this.settings = settings
    this.win = win
    this.ready = new Promise((resolve, reject) => (this.readyAnswer = [resolve, reject]))
    this.ready.catch(noop) // a failure nobody waits for is reported by `fail`, not as an unhandled rejection
  }

  get status(): 'loading' | 'ready' | 'failed' {
    return this.failure ? 'failed' : this.api ? 'ready' : 'loading'
  }

  /**
   * Installs the stub, identifies a known user first (Drift ties the visitor to a contact at load time),
   * subscribes to `ready` and the widget events, then inserts the script. Resolves once the script is
   * inserted: the stub queues calls, so the page is not held up until the widget is ready.
   */
  async start(knownUser: KnownUser | undefined, onWidgetEvent: WidgetEventHandler, log: Log = noLog): Promise<void> {
    const { embedId, scriptOrigin, readyTimeoutMs, widgetEvents } = this.settings
    const drift = (this.stub = installStub(this.win, scriptOrigin))
    if (knownUser && this.settings.identityMode === 'identify') await this.identify(knownUser, log)
    drift.on('ready', (api: unknown) => this.onReady(api as DriftWidgetApi | undefined))
    for (const name of widgetEvents) {
      drift.on(name, (payload: unknown) => {
        try {
          onWidgetEvent(name, payload)
        } catch (error) {
          console.error(`${PREFIX} forwarding the widget event "${name}" failed`, error)
        }
      })
    }
    this.readyTimer = setTimeout(
      () => this.fail(`the Drift widget was not ready within ${readyTimeoutMs} ms (readyTimeoutMs)`),
      readyTimeoutMs
    )
    if (drift.init) return // the real widget is already on the page: reuse it
    insertWidgetScript(this.win.document, scriptOrigin, embedId).catch((error: Error) => this.fail(error.message))
  }

  /** identify: `drift.identify` with a user id in identity mode `identify`, else visitor attributes. */
  identify(user: KnownUser, log: Log): Promise<void> {
    return this.enqueue(log, () => this.sendIdentify(user, log))
  }

  /** Visitor attributes (`drift.api.setUserAttributes`), from traits mapped like a contact's. */
  setAttributes(traits: unknown, campaignSource: unknown, log: Log): Promise<void> {
    return this.enqueueAttributes(this.contact(traits, campaignSource, log), log)
  }

  /** group: `company_id`, `company_name` and `company_*` as visitor attributes. */
  group(groupId: unknown, traits: unknown, log: Log): Promise<void> {
    // Company attributes without company_id would describe no company in particular.
    if ((typeof groupId !== 'string' && typeof groupId !== 'number') || String(groupId).trim() === '') {
      throw new TypeError(`${PREFIX} group needs a groupId (the company id, a string); nothing was sent`)
    }
    return this.enqueueAttributes(report(log, toDriftCompanyAttributes(groupId, traits, this.options())), log)
  }

  track(event: unknown, properties: unknown, log: Log): Promise<void> {
    if (typeof event !== 'string' || event.trim() === '') {
      throw new TypeError(`${PREFIX} track needs an event name (a non-empty string); nothing was sent`)
    }
    const attributes = report(log, toDriftAttributes(properties, this.options()))
    return this.enqueue(log, () => this.widget().track(event, attributes))
  }

  /** page: `drift.page(name)`; the first page identifies a known user once if nobody was identified yet. */
  page(name: string, knownUser: KnownUser | undefined, log: Log): Promise<void> {
    return this.enqueue(log, async () => {
      const first = !this.paged && !this.last
      this.paged = true
      if (first && knownUser && this.settings.identityMode === 'identify') await this.sendIdentify(knownUser, log)
      this.widget().page(name)
    })
  }

  /** reset (logout): `drift.reset()`, and the last identity is forgotten. */
  reset(log: Log = noLog): Promise<void> {
    return this.enqueue(log, () => {
      this.last = undefined
      this.paged = false
      this.widget().reset()
    })
  }

  /** Resolves when every call is sent, or is waiting for `ready` (tests and shutdown use it). */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.idlers.push(resolve)
      this.checkIdle()
    })
  }

  private checkIdle(): void {
    if (this.queued === 0 || this.waiting) this.idlers.splice(0).forEach((resolve) => resolve())
  }

  private options() {
    return flattenOptionsOf(this.settings)
  }

  private contact(traits: unknown, campaignSource: unknown, log: Log): DriftAttributes {
    return report(log, toDriftContactAttributes(traits, { ...this.options(), campaignSource }))
  }

  private widget(): DriftWidget {
    // After the script ran, window.drift is the real widget, no longer the stub we installed.
    return (this.win as unknown as { drift?: DriftWidget }).drift ?? this.stub
  }

  private enqueueAttributes(attributes: DriftAttributes, log: Log): Promise<void> {
    if (Object.keys(attributes).length === 0) {
      log('warn', warning('no attributes left to send after mapping; setUserAttributes skipped', 'no-attributes'))
      return Promise.resolve()
    }
    return this.enqueue(log, () => this.sendAttributes(attributes))
  }

  /** Waits for `ready` (the caller of every call on the chain goes on), then sets the visitor attributes. */
  private async sendAttributes(attributes: DriftAttributes): Promise<void> {
    if (!this.api) {
      this.waiting = true
      this.accept.splice(0).forEach((accept) => accept())
      this.checkIdle()
      await this.ready
    }
    ;(this.api as DriftWidgetApi).setUserAttributes(attributes)
  }

  /**
   * Adds a call to the chain. Its promise resolves when the call has been sent, or as soon as the chain waits
   * for `ready`; it rejects when the widget failed first. A failure after the caller went on can only be
   * reported to the event's log and the console.
   */
  private enqueue(log: Log, run: () => void | Promise<void>): Promise<void> {
    // A rejection, never a throw: callers such as the `reset` listener only handle promises.
    if (this.failure) return Promise.reject(this.failure)
    if (!this.api && this.queued >= MAX_HELD_CALLS) {
      const message = warning(
        `${MAX_HELD_CALLS} calls are already waiting for the Drift widget; this call was dropped`,
        'queue-full'
      )
      log('warn', message)
      this.once(message)
      return Promise.resolve()
    }
    this.queued++
    return new Promise<void>((resolve, reject) => {
      let accepted = this.waiting
      if (accepted) resolve()
      else if (!this.api) {
        this.accept.push(() => {
          accepted = true
          resolve()
        })
      }
      this.chain = this.chain.then(async () => {
        try {
          if (this.failure) throw this.failure
          await run()
          resolve()
        } catch (error) {
          const failed = error === this.failure
          const message = (error as Error).message + (failed ? ' (a held call was dropped)' : '')
          if (!accepted) reject(error)
          else if (!failed) console.error(message)
          if (failed || accepted) log('error', message)
        }
        this.queued--
        this.checkIdle()
      })
    })
  }

  private onReady(api: DriftWidgetApi | undefined): void {
    const ready = api ?? this.widget().api
    if (typeof ready?.setUserAttributes !== 'function')
      return this.fail('the Drift widget fired "ready" without an api')
    clearTimeout(this.readyTimer)
    if (this.failure)
      console.warn(warning('the Drift widget became ready after all; calls are sent again', 'late-ready'))
    this.failure = undefined
    this.api = ready
    this.waiting = false
    this.accept = []
    this.readyAnswer[0]()
  }

  private fail(reason: string): void {
    if (this.api || this.failure) return
    clearTimeout(this.readyTimer)
    this.failure = new Error(`${PREFIX} ${reason}; calls to Drift are not delivered`)
    console.error(this.failure.message)
    this.waiting = false
    this.accept = []
    this.readyAnswer[1](this.failure)
  }

  private once(message: string): void {
    if (!this.said.has(message)) console.warn(message)
    this.said.add(message)
  }

  private async sendIdentify(user: KnownUser, log: Log): Promise<void> {
    const { identityMode, blockedUserIds, requireSignedIdentity } = this.settings
    const attributes = this.contact(user.traits, user.campaignSource, log)
    if (identityMode === 'attributes' || isAbsent(user.userId)) {
      // Anonymous attributes go where the identify stood on the chain.
      if (Object.keys(attributes).length > 0) return this.sendAttributes(attributes)
      return log(
        'warn',
        warning('identify without a user id and with no attributes left after mapping: nothing sent', 'no-attributes')
      )
    }
    const key = stableKey(attributes)
    // Already sent, signed: no need to ask the resolver again (nor to write the contact again).
    if (this.isLast(String(user.userId), key, true)) return log('debug', DUPLICATE)
    const token = user.token ?? (await this.resolveToken(user.userId, log))
    const signed = token !== undefined
    const guard = guardUserId(user.userId, { blockedIds: blockedUserIds, signed })
    if (!guard.ok) return log('warn', `${PREFIX} identify not sent: ${guard.reason}`)
    if (guard.warning) log('warn', `${PREFIX} ${guard.warning}`)
    if (requireSignedIdentity && !signed) {
      const message = warning(
        'identify not sent: requireSignedIdentity is on and no signed identity was given (integrations.Drift.userJwt or the signedIdentity setting)',
        'unsigned-identify'
      )
      log('warn', message)
      return this.once(message)
    }
    if (this.isLast(guard.id, key, signed)) return log('debug', DUPLICATE)
    const drift = this.widget()
    if (this.last && this.last.id !== guard.id) drift.reset()
    if (token) drift.identify(guard.id, attributes, { userJwt: token })
    else drift.identify(guard.id, attributes)
    this.last = { id: guard.id, key, signed }
  }

  /** The same user and attributes as the last identify sent, and that one was signed if this one is. */
  private isLast(id: string, key: string, signed: boolean): boolean {
    const last = this.last
    return last !== undefined && last.id === id && last.key === key && (last.signed || !signed)
  }

  private async resolveToken(userId: unknown, log: Log): Promise<string | undefined> {
    const { signedIdentity: resolver, signedIdentityTimeoutMs: ms } = this.settings
    if (!resolver || (typeof userId !== 'string' && typeof userId !== 'number')) return undefined
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      const token = await Promise.race([
        Promise.resolve().then(() => resolver(String(userId))),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms (signedIdentityTimeoutMs)`)), ms)
        })
      ])
      if (isAbsent(token)) return undefined
      if (typeof token !== 'string') throw new Error('it returned something other than a string')
      return token
    } catch (error) {
      // Never the token itself: only why there is none.
      log('warn', warning(`the signedIdentity resolver gave no token: ${(error as Error).message}`, 'no-token'))
      return undefined
    } finally {
      clearTimeout(timer)
    }
  }
}

const DUPLICATE = warning('identify skipped: same user and attributes as the last one sent', 'identify-duplicate')

/** Mapping warnings go to the event's log: nothing is dropped or changed silently. */
function report(log: Log, result: MappingResult): DriftAttributes {
  for (const w of result.warnings) log('warn', `${PREFIX} ${w.path || 'input'} ${w.action}: ${w.reason}`)
  return result.attributes
}

/** The same attributes in any key order give the same key. */
function stableKey(attributes: DriftAttributes): string {
  return JSON.stringify(
    Object.keys(attributes)
      .sort()
      .map((key) => [key, attributes[key]])
  )
}
