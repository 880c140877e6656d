import { AnalyticsBrowser, type Analytics, type Context, type Plugin } from '@segment/analytics-next'
import { createWrapper } from '@segment/analytics-consent-tools'

// A consent stub page for the Chromium tests: a stand-in CMP (what OneTrust and others are to a site), the REAL
// `createWrapper` of @segment/analytics-consent-tools around a real analytics-next, and the destination plugin(s)
// under test, which the page's entry passes in as a factory. The entry bundles this module with its factory:
//   installConsentSite((settings) => driftPlugin(settings as DeviceSettingsInput))
// Tests drive it through `window.consentSite` (see test/e2e/consent-harness.ts).

/** Category name → granted, as a CMP reports it and as the wrapper stamps it on every event. */
export type Categories = Record<string, boolean>

/** Builds the plugin(s) under test from the settings the test sends into the page (JSON). */
export type ConsentPluginFactory = (settings: Record<string, unknown>) => Plugin | Plugin[]

export interface ConsentLoadOptions {
  /** The visitor's choices when the page loads (what the CMP remembers or its defaults). */
  categories: Categories
  /** Settings for the plugin factory; omitted: analytics without the plugin under test. */
  plugin?: Record<string, unknown>
  /** How the plugin joins: in `load({ plugins })` (default) or `analytics.register()` once analytics is loaded. */
  register?: 'load' | 'register'
  /** Run analytics under createWrapper (default) or bare, with no consent stamped on events (consent missing). */
  wrapper?: boolean
  /** createWrapper's consent model (default 'opt-in'). */
  consentModel?: 'opt-in' | 'opt-out'
  /** Calls made on the AnalyticsBrowser buffer before it loaded, as a site's snippet does. */
  buffered?: Array<[method: 'identify' | 'track' | 'page' | 'group', ...args: unknown[]]>
}

/** One event as the destinations received it, with the consent the wrapper stamped on it. */
export interface SeenEvent {
  type: string
  event?: string
  userId?: string | null
  consent?: unknown
}

export interface ConsentSiteHooks {
  load(options: ConsentLoadOptions): Promise<void>
  /** The visitor changes their choices in the banner: the CMP updates and tells its listeners (the wrapper). */
  setConsent(categories: Categories): void
  analytics(): Analytics
  seen: SeenEvent[]
  /** The `src` of every widget script tag in the DOM (Drift's URLs have `/include/`). */
  widgetScripts(): string[]
  /** The plugins the factory made, for a test that needs their state. */
  plugins(): Plugin[]
}

declare global {
  interface Window {
    consentSite: ConsentSiteHooks
  }
}

/** The stand-in CMP: remembers the choices and calls its listeners when they change. */
const cmp = {
  categories: {} as Categories,
  listeners: [] as Array<(categories: Categories) => void>
}

export function installConsentSite(factory: ConsentPluginFactory): void {
  let analytics: Analytics | undefined
  let made: Plugin[] = []
  const seen: SeenEvent[] = []

  const record = (ctx: Context): Context => {
    const { type, event, userId, context } = ctx.event
    seen.push(JSON.parse(JSON.stringify({ type, event, userId, consent: context?.consent })) as SeenEvent)
    return ctx
  }
  // Another destination on the page: it shows what analytics dispatched, and with which consent.
  const recorder: Plugin = {
    name: 'Consent Recorder',
    type: 'destination',
    version: '1.0.0',
    isLoaded: () => true,
    load: () => Promise.resolve(),
    identify: record,
    track: record,
    page: record,
    group: record
  }

  async function load(options: ConsentLoadOptions): Promise<void> {
    cmp.categories = { ...options.categories }
    cmp.listeners = []
    made = options.plugin ? [factory(options.plugin)].flat() : []
    const inLoad = options.register !== 'register'
    const browser = new AnalyticsBrowser()
    const withCMP = createWrapper<AnalyticsBrowser>({
      shouldLoadSegment: (ctx) => ctx.load({ consentModel: options.consentModel ?? 'opt-in' }),
      getCategories: () => ({ ...cmp.categories }),
      registerOnConsentChanged: (changed) => void cmp.listeners.push(changed)
    })
    const site = options.wrapper === false ? browser : withCMP(browser)
    for (const [method, ...args] of options.buffered ?? [])
      void (browser[method] as (...a: unknown[]) => unknown)(...args)
    // cdnSettings given: no fetch from Segment's CDN; Segment.io off: no event leaves for api.segment.io.
    void site.load(
      {
        writeKey: 'drift-consent-e2e',
        cdnSettings: { integrations: {} } as never,
        plugins: inLoad ? [recorder, ...made] : [recorder]
      },
      { integrations: { 'Segment.io': false }, initialPageview: false }
    )
    ;[analytics] = await browser
    if (!inLoad) await analytics.register(...made)
  }

  window.consentSite = {
    load,
    seen,
    setConsent: (categories) => {
      cmp.categories = { ...categories }
      for (const listener of cmp.listeners) listener({ ...categories })
    },
    analytics: () => {
      if (!analytics) throw new Error('call consentSite.load first')
      return analytics
    },
    widgetScripts: () =>
      Array.from(document.querySelectorAll('script'))
        .map((script) => script.src)
        .filter((src) => src.includes('/include/')),
    plugins: () => made
  }
}
