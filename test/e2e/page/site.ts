import type { Analytics, Context, Plugin } from '@segment/analytics-next'
import { driftTest } from '../../../playground/window'

// Runs in Chromium on the end-to-end test page, beside /drift-test.js: loads analytics-next the way a site
// does, with the Drift plugin and a recorder that sees every event analytics dispatches.

/** Plugin settings as JSON (what a test can send into the page), plus test-only wiring. */
export interface SiteLoadOptions {
  /** driftPlugin settings; omitted: analytics without Drift (e.g. an earlier visit). */
  drift?: Record<string, unknown>
  /** User id -> signed identity the `signedIdentity` resolver answers with (a site's backend, in effect). */
  signedTokens?: Record<string, string>
  /** Calls made on the `AnalyticsBrowser` buffer before it finished loading, as a site's snippet does. */
  buffered?: Array<[method: 'identify' | 'track' | 'page' | 'group', ...args: unknown[]]>
}

/** One event analytics dispatched to its destinations. */
export interface SeenEvent {
  type: string
  event?: string
  userId?: string | null
  properties?: Record<string, unknown>
  traits?: Record<string, unknown>
  integrations?: Record<string, unknown>
}

export interface SiteHooks {
  load(options: SiteLoadOptions): Promise<void>
  analytics(): Analytics
  seen: SeenEvent[]
  /** The `src` of every Drift widget script tag in the DOM. */
  widgetScripts(): string[]
  /** Resolves when the Drift plugin has sent everything it can (or holds it for `ready`). */
  driftIdle(): Promise<void>
}

declare global {
  interface Window {
    e2e: SiteHooks
  }
}

let analytics: Analytics | undefined
let drift: ReturnType<ReturnType<typeof driftTest>['driftPlugin']> | undefined
const seen: SeenEvent[] = []

function record(ctx: Context): Context {
  const { type, event, userId, properties, traits, integrations } = ctx.event
  seen.push(JSON.parse(JSON.stringify({ type, event, userId, properties, traits, integrations })) as SeenEvent)
  return ctx
}

/** A second destination, as a site's other tools would be: it receives what analytics sends everywhere. */
const recorder: Plugin = {
  name: 'Recorder',
  type: 'destination',
  version: '1.0.0',
  isLoaded: () => true,
  load: () => Promise.resolve(),
  identify: record,
  track: record,
  page: record,
  group: record
}

async function load(options: SiteLoadOptions): Promise<void> {
  const { AnalyticsBrowser, driftPlugin } = driftTest()
  const plugins: Plugin[] = [recorder]
  if (options.drift) {
    const tokens = options.signedTokens
    const settings = { ...options.drift } as Parameters<typeof driftPlugin>[0]
    if (tokens) settings.signedIdentity = (userId: string) => tokens[userId]
    drift = driftPlugin(settings)
    plugins.unshift(drift)
  }
  // cdnSettings given: no settings fetch from Segment's CDN; Segment.io off: no event leaves for api.segment.io.
  const browser = AnalyticsBrowser.load(
    { writeKey: 'drift-e2e', cdnSettings: { integrations: {} } as never, plugins },
    { integrations: { 'Segment.io': false }, initialPageview: false }
  )
  for (const [method, ...args] of options.buffered ?? [])
    void (browser[method] as (...a: unknown[]) => unknown)(...args)
  ;[analytics] = await browser
}

window.e2e = {
  load,
  seen,
  analytics: () => {
    if (!analytics) throw new Error('call e2e.load first')
    return analytics
  },
  widgetScripts: () =>
    Array.from(document.querySelectorAll('script'))
      .map((script) => script.src)
      .filter((src) => src.includes('/include/')),
  driftIdle: async () => {
    await drift?.client?.idle()
  }
}
