import type { Analytics, Context, Plugin } from '@segment/analytics-next'
import type { DeviceSettingsInput } from '../../shared/settings-rules'
import type { DriftClient, KnownUser } from './widget/client'
import { connectDrift, reportUnknownSettings } from './widget/connect'
import { DRIFT_KEYS, keptFromDrift, tokenFromIntegrations } from './widget/integrations'
import { PREFIX, type Log } from './widget/types'

// No runtime or actions-core imports here: this module is the small bundle (`npm run size`).

export const PLUGIN_VERSION = '0.1.0'

/** The analytics-next Plugin with access to the controller, for tests and the playground. */
export interface DriftPlugin extends Plugin {
  /** The widget controller, once `load` has run. */
  readonly client: DriftClient | undefined
}

/** A Context's log as the controller's `Log`. */
export function contextLog(ctx: Context): Log {
  return (level, message, extras) => ctx.log(level, message, extras)
}

/** `page` naming like Segment's classic integration: `category name`, the name, then the page title. */
export function pageName(name: unknown, category: unknown, title: unknown): string {
  const parts = [category, name].filter((part) => typeof part === 'string' && part !== '')
  if (parts.length > 0) return parts.join(' ')
  if (typeof title === 'string' && title !== '') return title
  return typeof document === 'undefined' ? '' : document.title
}

function campaignSource(ctx: Context): unknown {
  return (ctx.event.context as { campaign?: { source?: unknown } } | undefined)?.campaign?.source
}

/**
 * The user analytics knows, for the identify a first page makes: both faces use it. `keys` are the names the
 * event's `integrations` may address this destination by (for the signed identity).
 */
export function knownUser(
  ctx: Context,
  userId: unknown,
  analytics: Analytics | undefined,
  keys: readonly string[] = DRIFT_KEYS
): KnownUser | undefined {
  if (userId === undefined || userId === null || userId === '') return undefined
  return {
    userId,
    traits: analytics?.user().traits(),
    token: tokenFromIntegrations(ctx.event.integrations, keys, contextLog(ctx)),
    campaignSource: campaignSource(ctx)
  }
}

/**
 * Drift's chat widget as an analytics-next destination plugin:
 * `analytics.register(driftPlugin({ embedId }))` or `AnalyticsBrowser.load({ writeKey }, { plugins: [...] })`.
 * Settings are checked in `load`, before the page is touched; invalid settings reject `load` with the reason.
 */
export function driftPlugin(settings: DeviceSettingsInput): DriftPlugin {
  let client: DriftClient | undefined
  let analyticsInstance: Analytics | undefined

  /** Runs one analytics call against the widget, unless the event keeps Drift out. */
  async function deliver(ctx: Context, send: (client: DriftClient, log: Log) => Promise<void>): Promise<Context> {
    if (keptFromDrift(ctx)) return ctx
    if (!client) throw new Error(`${PREFIX} the plugin is not loaded`)
    try {
      await send(client, contextLog(ctx))
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
    isLoaded: () => client !== undefined,

    async load(ctx: Context, analytics: Analytics) {
      analyticsInstance = analytics
      reportUnknownSettings(settings, contextLog(ctx))
      client = await connectDrift(settings, analytics, contextLog(ctx))
    },

    identify: (ctx) =>
      deliver(ctx, (drift, log) =>
        drift.identify(
          {
            userId: ctx.event.userId,
            traits: ctx.event.traits,
            token: tokenFromIntegrations(ctx.event.integrations, DRIFT_KEYS, log),
            campaignSource: campaignSource(ctx)
          },
          log
        )
      ),

    track: (ctx) => deliver(ctx, (drift, log) => drift.track(ctx.event.event, ctx.event.properties, log)),

    page: (ctx) =>
      deliver(ctx, (drift, log) => {
        if (!drift.settings.trackPages) return Promise.resolve()
        const { name, category, properties } = ctx.event
        const userId = ctx.event.userId ?? analyticsInstance?.user().id()
        return drift.page(pageName(name, category, properties?.title), knownUser(ctx, userId, analyticsInstance), log)
      }),

    group: (ctx) => deliver(ctx, (drift, log) => drift.group(ctx.event.groupId, ctx.event.traits, log))
  }
}
