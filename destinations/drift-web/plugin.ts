import type { Analytics, Context, Plugin } from '@segment/analytics-next'
import type { DeviceSettingsInput } from '../../shared/settings-rules'
import type { DriftClient } from './widget/client'
import { connectDrift, reportUnknownSettings } from './widget/connect'
import { consented } from './widget/consent'
import { contextLog, knownUser, pageName, userOf } from './widget/context'
import { keptFromDrift } from './widget/integrations'
import { prefixed, type Log } from './widget/types'

// No runtime or actions-core imports here: this module is the small bundle (`npm run size`).

export const PLUGIN_VERSION = '0.1.0'

/** Re-exported for the package's `./web` entry, which has always offered it. */
export { pageName }

/** The analytics-next Plugin with access to the controller, for tests and the playground. */
export interface DriftPlugin extends Plugin {
  /** The widget controller, once `load` has run. */
  readonly client: DriftClient | undefined
}

/**
 * Drift's chat widget as an analytics-next destination plugin:
 * `analytics.register(driftPlugin({ embedId }))` or `AnalyticsBrowser.load({ writeKey }, { plugins: [...] })`.
 * Settings are checked in `load`, before the page is touched; invalid settings reject `load` with the reason.
 * With `consentCategories`, `load` resolves without touching the page: the widget starts with the first event
 * whose consent grants them (widget/consent.ts).
 */
export function driftPlugin(settings: DeviceSettingsInput): DriftPlugin {
  let client: DriftClient | undefined
  /** The `load` under way: analytics-next does not await a destination's `load` before delivering to it. */
  let loading: Promise<DriftClient> | undefined
  // Set by `load`, which every delivery awaits first.
  let analytics!: Analytics

  /** Runs one analytics call against the widget, unless the event keeps Drift out or lacks consent. */
  async function deliver(ctx: Context, send: (client: DriftClient, log: Log) => unknown): Promise<Context> {
    if (keptFromDrift(ctx)) return ctx
    try {
      // A call made while `load` still waits (a returning user's signed identity) waits with it, in order.
      const client = await (loading ?? Promise.reject(new Error(prefixed('not loaded'))))
      if (await consented(client, ctx)) await send(client, contextLog(ctx))
    } catch (error) {
      ctx.setFailedDelivery({ reason: error })
      throw error
    }
    return ctx
  }

  return {
    name: 'Drift',
    type: 'destination',
    version: PLUGIN_VERSION,
    get client() {
      return client
    },
    isLoaded: () => !!client,

    async load(ctx: Context, instance: Analytics) {
      const log = contextLog(ctx)
      analytics = instance
      reportUnknownSettings(settings, log)
      client = await (loading = connectDrift(settings, instance, log))
    },

    identify: (ctx) =>
      deliver(ctx, (drift, log) => drift.identify(userOf(ctx, ctx.event.userId, ctx.event.traits), log)),

    track: (ctx) => deliver(ctx, (drift, log) => drift.track(ctx.event.event, ctx.event.properties, log)),

    // analytics-next gives every event the user id it knows (the first page may identify that user).
    page: (ctx) =>
      deliver(ctx, (drift, log) => {
        const { name, category, properties, userId } = ctx.event
        return (
          drift.settings.trackPages &&
          drift.page(pageName(name, category, properties?.title), knownUser(ctx, userId, analytics), log)
        )
      }),

    group: (ctx) => deliver(ctx, (drift, log) => drift.group(ctx.event.groupId, ctx.event.traits, log))
  }
}
