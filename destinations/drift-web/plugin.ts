import type { Analytics, Context, Plugin } from '@segment/analytics-next'
import { DEVICE_SETTINGS, unknownSettings, type DeviceSettingsInput } from '../../shared/settings-rules'
import type { DriftClient } from './widget/client'
import { connectDrift, contextLog, knownUser, pageName, userOf } from './widget/connect'
import { consented } from './widget/consent'
import { keptFromDrift } from './widget/integrations'
import { prefixed, say } from './widget/types'

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
  async function deliver(ctx: Context): Promise<Context> {
    if (keptFromDrift(ctx)) return ctx
    const { type, userId, traits, properties, name, category } = ctx.event
    const log = contextLog(ctx)
    try {
      // A call made while `load` still waits (a returning user's signed identity) waits with it, in order.
      if (!loading) throw new Error(prefixed('not loaded'))
      const drift = await loading
      if (await consented(drift, ctx)) {
        await (type === 'identify'
          ? drift.identify(userOf(ctx, userId, traits), log)
          : type === 'track'
            ? drift.track(ctx.event.event, properties, log)
            : type === 'group'
              ? drift.group(ctx.event.groupId, traits, log)
              : // analytics-next gives every event the user id it knows (the first page may identify that user).
                drift.settings.trackPages &&
                drift.page(pageName(name, category, properties?.title), knownUser(ctx, userId, analytics), log))
      }
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
      // Settings written by hand that are no Drift setting: `requireSignedIdentiy: true` must not pass for protection.
      for (const key of unknownSettings(DEVICE_SETTINGS, settings)) {
        say(
          log,
          'warn',
          prefixed(
            process.env.NODE_ENV !== 'production'
              ? `the setting "${key}" is not a Drift setting and is ignored (check its spelling)`
              : `unknown-setting ${key}`
          )
        )
      }
      client = await (loading = connectDrift(settings, instance, log))
    },

    // One delivery for all four: it reads the event's type.
    identify: deliver,
    track: deliver,
    page: deliver,
    group: deliver
  }
}
