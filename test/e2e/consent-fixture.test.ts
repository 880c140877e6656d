/* istanbul ignore file -- the callbacks given to page.evaluate run in Chromium and must stay uninstrumented */
import type { Browser } from 'playwright-core'
import type { PageServer } from '../../playground/page-server'
import { startSandbox, type Sandbox } from '../../sandbox'
import { describeWithChromium, launchChromium } from './browser'
import {
  CONSENT_DRIFT_ENTRY,
  CONSENT_STAND_IN_ENTRY,
  loadWithConsent,
  requestsTo,
  seenEvents,
  setConsent,
  startConsentSite,
  widgetTraces
} from './consent-harness'
import { callsTo, offMachineRequests, openPage, sandboxCalls, waitFor, type OpenPage } from './harness'

// The consent stub page itself, in Chromium: the real createWrapper stamps the stand-in CMP's choices on every
// event, tells the page when they change, and a plugin that gates on them (a stand-in for driftPlugin, using
// shared/privacy/consent) requests nothing from the widget origin until consent, then loads the sandbox's widget.

jest.setTimeout(60000)

/** Waits end as soon as they are met; long bounds keep a loaded machine (2 cores, many jobs) from failing them. */
const WAIT_MS = 15000

const DENIED = { Marketing: false, Analytics: true }
const GRANTED = { Marketing: true, Analytics: true }

describeWithChromium('consent stub page in Chromium (analytics-consent-tools createWrapper + analytics-next)', () => {
  let browser: Browser
  let site: PageServer
  let driftSite: PageServer
  let sandbox: Sandbox
  let open: OpenPage | undefined

  beforeAll(async () => {
    browser = await launchChromium()
    site = await startConsentSite(CONSENT_STAND_IN_ENTRY)
    driftSite = await startConsentSite(CONSENT_DRIFT_ENTRY)
    sandbox = await startSandbox({ widgetReadyDelayMs: 100 })
  })

  afterAll(async () => {
    await Promise.all([browser?.close(), site?.close(), driftSite?.close(), sandbox?.close()])
  })

  afterEach(async () => {
    if (open) {
      expect(offMachineRequests(open.requests)).toEqual([])
      expect(open.pageErrors).toEqual([])
      await open.close()
    }
    open = undefined
  })

  const plugin = (embedId: string, extra: Record<string, unknown> = {}) => ({
    embedId,
    scriptOrigin: sandbox.url,
    consentCategories: ['Marketing'],
    ...extra
  })

  /** Nothing from the widget origin, in the DOM or on the wire. */
  async function expectNoWidget(page: OpenPage): Promise<void> {
    expect(await widgetTraces(page, sandbox.url)).toEqual({ scripts: [], requests: [] })
  }

  it('should request nothing from the widget origin before consent, then load the widget with identity first', async () => {
    open = await openPage(browser, site.url)
    const p = open
    await loadWithConsent(p, { categories: DENIED, plugin: plugin('consent-later') })
    await p.page.evaluate(async () => {
      const analytics = window.consentSite.analytics()
      await analytics.identify('user-consent', { email: 'consent@example.com' })
      await analytics.track('Before Consent')
      await analytics.page()
    })
    // The real wrapper stamped the CMP's choices on every event the destinations received.
    const before = await seenEvents(p)
    expect(before.map((e) => e.type)).toEqual(['identify', 'track', 'page'])
    for (const event of before) expect(event.consent).toEqual({ categoryPreferences: DENIED })
    await expectNoWidget(p)

    await setConsent(p, GRANTED)
    await waitFor(() => p.page.evaluate(() => window.__driftSandbox?.ready), 'the widget to be ready', WAIT_MS)
    await p.page.evaluate(() => window.consentSite.analytics().track('After Consent'))

    const consentEvent = (await seenEvents(p)).find((e) => e.event === 'Segment Consent Preference Updated')
    expect(consentEvent?.consent).toEqual({ categoryPreferences: GRANTED })
    expect(requestsTo(p.requests, sandbox.url).filter((url) => url.includes('/include/'))).toHaveLength(1)
    const calls = await sandboxCalls(p.page, sandbox, (c) => callsTo(c, 'track').length > 0, WAIT_MS)
    expect(calls[0]).toMatchObject({ method: 'identify', beforeLoad: true, args: ['user-consent', expect.anything()] })
    // Before consent the visitor had not agreed: nothing of it reached Drift, only what came after.
    expect(callsTo(calls, 'track').map((c) => c.args[0])).toEqual(['After Consent'])
  })

  it('should load the widget on the first event when consent is already granted, for a plugin registered later', async () => {
    open = await openPage(browser, site.url)
    const p = open
    await loadWithConsent(p, { categories: GRANTED, plugin: plugin('consent-granted'), register: 'register' })
    expect(await p.page.evaluate(() => window.consentSite.widgetScripts())).toEqual([])
    await p.page.evaluate(() => window.consentSite.analytics().track('Granted'))
    await waitFor(() => p.page.evaluate(() => window.__driftSandbox?.ready), 'the widget to be ready', WAIT_MS)
    const calls = await sandboxCalls(p.page, sandbox, (c) => callsTo(c, 'track').length > 0, WAIT_MS)
    expect(callsTo(calls, 'track').map((c) => c.args[0])).toEqual(['Granted'])
  })

  it('should keep the widget out when consent is withdrawn before it loaded, and when events carry no consent', async () => {
    open = await openPage(browser, site.url)
    const p = open
    await loadWithConsent(p, { categories: GRANTED, plugin: plugin('consent-withdrawn') })
    await setConsent(p, DENIED)
    await p.page.evaluate(() => window.consentSite.analytics().track('After Withdrawal'))
    expect((await seenEvents(p)).map((e) => e.consent)).toEqual([
      { categoryPreferences: DENIED },
      { categoryPreferences: DENIED }
    ])
    await expectNoWidget(p)
    await open.close()

    // No wrapper: events carry no consent, and consentWhenMissing "skip" keeps Drift out.
    open = await openPage(browser, site.url)
    const q = open
    await loadWithConsent(q, {
      categories: {},
      wrapper: false,
      plugin: plugin('consent-missing', { consentWhenMissing: 'skip' })
    })
    await q.page.evaluate(() => window.consentSite.analytics().track('No Consent'))
    expect((await seenEvents(q)).map((e) => e.consent)).toEqual([undefined])
    await expectNoWidget(q)
  })

  it('should run the real driftPlugin under the real wrapper: consent stamped, a returning user identified first', async () => {
    // driftPlugin does not gate on consent yet (the wiring comes later): this proves the page with it, granted.
    open = await openPage(browser, driftSite.url)
    const p = open
    // An earlier page identified the user; on this page load analytics knows them before the plugin loads.
    await loadWithConsent(p, { categories: GRANTED })
    await p.page.evaluate(() => window.consentSite.analytics().identify('user-drift', { email: 'drift@example.com' }))
    await p.page.reload()
    await loadWithConsent(p, { categories: GRANTED, plugin: { embedId: 'consent-drift', scriptOrigin: sandbox.url } })
    await p.page.evaluate(() => window.consentSite.analytics().track('With Drift'))
    const calls = await sandboxCalls(p.page, sandbox, (c) => callsTo(c, 'track').length > 0, WAIT_MS)
    expect(calls[0]).toMatchObject({
      method: 'identify',
      beforeLoad: true,
      args: ['user-drift', { email: 'drift@example.com' }]
    })
    expect(callsTo(calls, 'track').map((c) => c.args[0])).toEqual(['With Drift'])
    expect(await seenEvents(p)).toEqual([
      { type: 'track', event: 'With Drift', userId: 'user-drift', consent: { categoryPreferences: GRANTED } }
    ])
  })
})
