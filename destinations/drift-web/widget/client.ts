import { toDriftCompanyAttributes, toDriftContactAttributes } from '../../../shared/contact'
import { toDriftAttributes } from '../../../shared/flatten'
import { flattenOptionsOf } from '../../../shared/flatten-options'
import { guardUserId } from '../../../shared/identity'
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

interface StepInput {
  needsApi: boolean
  run: () => void | Promise<void>
  log: Log
}

interface Step extends StepInput {
  settle: Settle
}

interface Settle {
  /** Waits for `ready`: the caller may go on. */
  accept(): void
  done(): void
  fail(error: Error): void
  /** Dropped because the widget failed (already reported): rejects only a caller still waiting. */
  abandon(error: Error): void
}

/**
 * Settles a call's promise once. A failure after the caller went on (the call waited for `ready`) can only be
 * reported to the event's log and the console.
 */
function settler(log: Log, resolve: () => void, reject: (error: Error) => void): Settle {
  let accepted = false
  return {
    accept: () => {
      accepted = true
      resolve()
    },
    done: resolve,
    fail: (error) => {
      if (!accepted) return reject(error)
      log('error', error.message)
      console.error(error.message)
    },
    abandon: (error) => {
      if (!accepted) reject(error)
    }
  }
}

const noLog: Log = () => {}
const noop = () => {}
const DUPLICATE = `${PREFIX} identify skipped: same user and attributes as the last one sent`

/**
 * The one controller of Drift's widget, used by both the analytics-next plugin and the browser destination.
 * It installs the stub and the script, and owns the ordered queue of calls: calls that need `drift.api`
 * (attributes) wait for `ready`, and every call behind them waits too, so Drift receives everything exactly
 * once and in order. It also remembers the last identity (no duplicate writes, a reset before another user)
 * and resolves signed identities. If the widget fails or is not ready in time, it says so and later calls throw.
 */
export class DriftClient {
  readonly settings: DeviceSettings
  private readonly win: Window
  private drift: DriftWidget | undefined
  private api: DriftWidgetApi | undefined
  private failure: Error | undefined
  private readonly steps: Step[] = []
  private running = false
  private readyTimer: ReturnType<typeof setTimeout> | undefined
  /** `id` + attributes of the last identify sent (dedupe, user switch). */
  private lastIdentity: { id: string; key: string; signed: boolean } | undefined
  private pageIdentifyDone = false
  private warnedUnsigned = false
  private warnedFull = false
  private idleWaiters: Array<() => void> = []

  constructor(settings: DeviceSettings, win: Window = window) {
    this.settings = settings
    this.win = win
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
    const drift = installStub(this.win, scriptOrigin)
    this.drift = drift
    if (knownUser && this.settings.identityMode === 'identify') await this.identify(knownUser, log)

    drift.on('ready', (api: unknown) => this.onReady(api))
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
    return this.enqueue({ needsApi: false, log, run: () => this.sendIdentify(user, log) })
  }

  /** Visitor attributes (`drift.api.setUserAttributes`), from traits mapped like a contact's. */
  setAttributes(traits: unknown, campaignSource: unknown, log: Log): Promise<void> {
    const mapped = report(log, toDriftContactAttributes(traits, { ...flattenOptionsOf(this.settings), campaignSource }))
    return this.enqueueAttributes(mapped, log)
  }

  /** group: `company_id`, `company_name` and `company_*` as visitor attributes. */
  group(groupId: unknown, traits: unknown, log: Log): Promise<void> {
    // Company attributes without company_id would describe no company in particular.
    if ((typeof groupId !== 'string' && typeof groupId !== 'number') || String(groupId).trim() === '') {
      throw new TypeError(`${PREFIX} group needs a groupId (the company id, a string); nothing was sent`)
    }
    return this.enqueueAttributes(
      report(log, toDriftCompanyAttributes(groupId, traits, flattenOptionsOf(this.settings))),
      log
    )
  }

  track(event: unknown, properties: unknown, log: Log): Promise<void> {
    if (typeof event !== 'string' || event.trim() === '') {
      throw new TypeError(`${PREFIX} track needs an event name (a non-empty string); nothing was sent`)
    }
    const attributes = report(log, toDriftAttributes(properties, flattenOptionsOf(this.settings)))
    return this.enqueue({ needsApi: false, log, run: () => this.widget().track(event, attributes) })
  }

  /** page: `drift.page(name)`; the first page identifies a known user once if nobody was identified yet. */
  page(name: string, knownUser: KnownUser | undefined, log: Log): Promise<void> {
    return this.enqueue({
      needsApi: false,
      log,
      run: async () => {
        if (!this.pageIdentifyDone && !this.lastIdentity && knownUser && this.settings.identityMode === 'identify') {
          this.pageIdentifyDone = true
          await this.sendIdentify(knownUser, log)
        }
        this.pageIdentifyDone = true
        this.widget().page(name)
      }
    })
  }

  /** reset (logout): `drift.reset()`, and the last identity is forgotten. */
  reset(log: Log = noLog): Promise<void> {
    return this.enqueue({
      needsApi: false,
      log,
      run: () => {
        this.lastIdentity = undefined
        this.pageIdentifyDone = false
        this.widget().reset()
      }
    })
  }

  /** Resolves when every call is sent, or is waiting for `ready` (tests and shutdown use it). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  private isIdle(): boolean {
    return !this.running && (this.steps.length === 0 || (this.steps[0].needsApi && !this.api))
  }

  private widget(): DriftWidget {
    // After the script ran, window.drift is the real widget, no longer the stub we installed.
    return (this.win as unknown as { drift?: DriftWidget }).drift ?? (this.drift as DriftWidget)
  }

  private enqueueAttributes(attributes: DriftAttributes, log: Log): Promise<void> {
    if (Object.keys(attributes).length === 0) {
      log('warn', `${PREFIX} no attributes left to send after mapping; setUserAttributes skipped`)
      return Promise.resolve()
    }
    return this.enqueue({ needsApi: true, log, run: () => (this.api as DriftWidgetApi).setUserAttributes(attributes) })
  }

  /**
   * Adds a call to the ordered queue and runs what can run. Resolves when the call has been sent, or as soon
   * as it waits for `ready` (accepted: the caller goes on, the call is sent later). Throws when the widget failed.
   */
  private enqueue(step: StepInput): Promise<void> {
    // A rejection, never a throw: callers such as the `reset` listener only handle promises.
    if (this.failure) return Promise.reject(this.failure)
    if (!this.api && this.steps.length >= MAX_HELD_CALLS) {
      const message = `${PREFIX} ${MAX_HELD_CALLS} calls are already waiting for the Drift widget; this call was dropped`
      step.log('warn', message)
      if (!this.warnedFull) console.warn(message)
      this.warnedFull = true
      return Promise.resolve()
    }
    return new Promise<void>((resolve, reject) => {
      this.steps.push({ ...step, settle: settler(step.log, resolve, reject) })
      void this.pump()
    })
  }

  private async pump(): Promise<void> {
    if (this.running) return
    this.running = true
    try {
      while (this.steps.length > 0 && !this.failure) {
        if (this.steps[0].needsApi && !this.api) {
          for (const waiting of this.steps) waiting.settle.accept()
          break
        }
        const step = this.steps.shift() as Step
        try {
          await step.run()
          step.settle.done()
        } catch (error) {
          step.settle.fail(error as Error)
        }
      }
    } finally {
      this.running = false
    }
    if (this.isIdle()) this.idleWaiters.splice(0).forEach((resolve) => resolve())
  }

  private onReady(api: unknown): void {
    const ready = (api as DriftWidgetApi | undefined) ?? this.widget().api
    if (!ready || typeof ready.setUserAttributes !== 'function') {
      return this.fail('the Drift widget fired "ready" without an api')
    }
    clearTimeout(this.readyTimer)
    if (this.failure) console.warn(`${PREFIX} the Drift widget became ready after all; calls are sent again`)
    this.failure = undefined
    this.api = ready
    void this.pump()
  }

  private fail(reason: string): void {
    if (this.api || this.failure) return
    clearTimeout(this.readyTimer)
    this.failure = new Error(`${PREFIX} ${reason}; calls to Drift are not delivered`)
    console.error(this.failure.message)
    const dropped = this.steps.splice(0)
    for (const step of dropped) {
      step.log('error', `${this.failure.message} (a held call was dropped)`)
      step.settle.abandon(this.failure)
    }
    this.idleWaiters.splice(0).forEach((resolve) => resolve())
  }

  private async sendIdentify(user: KnownUser, log: Log): Promise<void> {
    const attributes = report(
      log,
      toDriftContactAttributes(user.traits, { ...flattenOptionsOf(this.settings), campaignSource: user.campaignSource })
    )
    const noId = user.userId === undefined || user.userId === null || user.userId === ''
    if (this.settings.identityMode === 'attributes' || noId) {
      if (Object.keys(attributes).length > 0) this.steps.unshift(this.attributesStep(attributes, log))
      else log('warn', `${PREFIX} identify without a user id and with no attributes left after mapping: nothing sent`)
      return
    }
    const key = stableKey(attributes)
    // Already sent, signed: no need to ask the resolver again (nor to write the contact again).
    if (this.isLastIdentity(String(user.userId), key, true)) return log('debug', DUPLICATE)
    const token = user.token ?? (await this.resolveToken(user.userId, log))
    const guard = guardUserId(user.userId, { blockedIds: this.settings.blockedUserIds, signed: token !== undefined })
    if (!guard.ok) {
      log('warn', `${PREFIX} identify not sent: ${guard.reason}`)
      return
    }
    if (guard.warning) log('warn', `${PREFIX} ${guard.warning}`)
    if (this.settings.requireSignedIdentity && token === undefined) {
      const message = `${PREFIX} identify not sent: requireSignedIdentity is on and no signed identity was given (integrations.Drift.userJwt or the signedIdentity setting)`
      log('warn', message)
      if (!this.warnedUnsigned) console.warn(message)
      this.warnedUnsigned = true
      return
    }
    if (this.isLastIdentity(guard.id, key, token !== undefined)) return log('debug', DUPLICATE)
    const drift = this.widget()
    if (this.lastIdentity && this.lastIdentity.id !== guard.id) drift.reset()
    if (token) drift.identify(guard.id, attributes, { userJwt: token })
    else drift.identify(guard.id, attributes)
    this.lastIdentity = { id: guard.id, key, signed: token !== undefined }
  }

  /** The same user and attributes as the last identify sent, and that one was signed if this one is. */
  private isLastIdentity(id: string, key: string, signed: boolean): boolean {
    const last = this.lastIdentity
    return last !== undefined && last.id === id && last.key === key && (last.signed || !signed)
  }

  /** Anonymous attributes found while identifying go first in the queue, where the identify stood. */
  private attributesStep(attributes: DriftAttributes, log: Log): Step {
    const run = () => (this.api as DriftWidgetApi).setUserAttributes(attributes)
    return { needsApi: true, log, run, settle: settler(log, noop, noop) }
  }

  private async resolveToken(userId: unknown, log: Log): Promise<string | undefined> {
    const resolver = this.settings.signedIdentity
    if (!resolver || (typeof userId !== 'string' && typeof userId !== 'number')) return undefined
    const ms = this.settings.signedIdentityTimeoutMs
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      const token = await Promise.race([
        Promise.resolve().then(() => resolver(String(userId))),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms (signedIdentityTimeoutMs)`)), ms)
        })
      ])
      if (token === undefined || token === null || token === '') return undefined
      if (typeof token !== 'string') throw new Error('it returned something other than a string')
      return token
    } catch (error) {
      // Never the token itself: only why there is none.
      log('warn', `${PREFIX} the signedIdentity resolver gave no token: ${(error as Error).message}`)
      return undefined
    } finally {
      clearTimeout(timer)
    }
  }
}

/** Mapping warnings go to the event's log: nothing is dropped or changed silently. */
function report(log: Log, result: MappingResult): DriftAttributes {
  for (const warning of result.warnings) {
    log('warn', `${PREFIX} ${warning.path || 'input'} ${warning.action}: ${warning.reason}`)
  }
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
