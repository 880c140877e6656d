import type { DriftAttributes } from '../../../shared/types'

/** `drift.api`, which the widget offers only once ready (not the REST client, which cloud mode calls DriftApi). */
export interface DriftWidgetApi {
  setUserAttributes(attributes: DriftAttributes): void
}

/** What `drift.identify` takes as its third argument: the signed identity, when there is one. */
export interface DriftIdentifyOptions {
  userJwt: string
}

export type DriftHandler = (...args: unknown[]) => void

/**
 * `window.drift`: first Drift's stub (an array that queues `[method, ...args]`), then the real widget, which
 * drains that queue in order and replaces the methods.
 */
export interface DriftWidget {
  identify(userId: string, attributes?: DriftAttributes, options?: DriftIdentifyOptions): void
  track(event: string, properties?: DriftAttributes): void
  page(name?: string): void
  reset(): void
  on(event: string, handler: DriftHandler): void
  load?(embedId: string): void
  /** Set by the real widget: it is on the page. */
  init?: unknown
  /** Set by the stub: a snippet already ran. */
  invoked?: boolean
  api?: DriftWidgetApi
  SNIPPET_VERSION?: string
}

export interface DriftWindow {
  drift?: DriftWidget
  driftt?: DriftWidget
}

/** Level names as analytics-next's `ctx.log` takes them. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

/** Where a call reports what happened to it: analytics-next's `ctx.log` for the event being delivered. */
export type Log = (level: LogLevel, message: string, extras?: object) => void

const PREFIX = '[Drift]'

/**
 * A message with the `[Drift]` prefix. For a warning, call it as
 * `prefixed(process.env.NODE_ENV !== 'production' ? 'text' : 'code')`, written out at each call site as React
 * does: the site's bundler replaces `process.env.NODE_ENV` and folds the condition, so production builds keep only
 * the short code (docs/device-mode.md). A shared constant would not fold: our build emits it as a `var`, which
 * bundlers do not inline.
 */
export const prefixed = (text: string) => `${PREFIX} ${text}`

/** A message for the event's log and the console both (a site owner may read either). */
export function say(log: Log, level: 'warn' | 'error', message: string): void {
  console[level](message)
  log(level, message)
}

/** A user the controller identifies. */
export interface KnownUser {
  userId: unknown
  traits?: unknown
  /** A signed identity (JWT) that came with the call; otherwise the `signedIdentity` resolver is asked. */
  token?: string
  /** `context.campaign.source`: becomes `recent_source` unless the traits give one. */
  campaignSource?: unknown
}
