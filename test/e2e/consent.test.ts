/* istanbul ignore file -- the callbacks given to page.evaluate run in Chromium and must stay uninstrumented */
import type { Browser } from 'playwright-core'
import type { PageServer } from '../../playground/page-server'
import { startSandbox, type Sandbox } from '../../sandbox'
import { describeWithChromium, launchChromium } from './browser'
import {
  CONSENT_DRIFT_ENTRY,
  loadWithConsent,
  requestsTo,
  seenEvents,
  setConsent,
  startConsentSite,
  widgetTraces
} from './consent-harness'
import { callsTo, offMachineRequests, openPage, sandboxCalls, sleep, waitFor, type OpenPage } from './harness'

// The real driftPlugin with consentCategories ['Marketing'], in Chromium, under the real createWrapper of
// @segment/analytics-consent-tools (a stand-in CMP on the page, test/e2e/page/consent-site.ts), the widget served
// by the sandbox: no request to the widget origin before consent; consent granted later loads the widget with the
// identity first; calls from before consent never reach Drift.

jest.setTimeout(60000)

/** Waits end as soon as they are met; long bounds keep a loaded machine (2 cores, many jobs) from failing them. */
const WAIT_MS = 15000

const DENIED = { Marketing: false, Analytics: true }
const GRANTED = { Marketing: true, Analytics: true }

describeWithChromium('driftPlugin consent in Chromium (analytics-consent-tools createWrapper)', () => {
  let browser: Browser
  let site: PageServer
  let sandbox: Sandbox
  let open: OpenPage | undefined

  beforeAll(async () => {
    browser = await launchChromium()
    site = await startConsentSite(CONSENT_DRIFT_ENTRY)
    sandbox = await startSandbox({ widgetReadyDelayMs: 100 })
  })

  afterAll(async () => {
    await Promise.all([browser?.close(), site?.close(), sandbox?.close()])
  })

  afterEach(async () => {
    if (open) {
      expect(offMachineRequests(open.requests)).toEqual([])
      expect(open.pageErrors).toEqual([])
      await open.close()
    }
    open = undefined
  })

  const drift = (embedId: string, extra: Record<string, unknown> = {}) => ({
    embedId,
    scriptOrigin: sandbox.url,
    consentCategories: ['Marketing'],
    ...extra
  })

  /** Nothing from the widget origin, in the DOM or on the wire, and no Drift stub on the page. */
  async function expectNoWidget(page: OpenPage): Promise<void> {
    expect(await widgetTraces(page, sandbox.url)).toEqual({ scripts: [], requests: [] })
    expect(await page.page.evaluate(() => 'drift' in window)).toBe(false)
  }

  const widgetReady = (p: OpenPage) =>
    waitFor(() => p.page.evaluate(() => window.__driftSandbox?.ready), 'the widget to be ready', WAIT_MS)

  it('should request nothing before consent, then load the widget with identity first and nothing replayed', async () => {
    open = await openPage(browser, site.url)
    const p = open
    await loadWithConsent(p, { categories: DENIED, plugin: drift('consent-later') })
    await p.page.evaluate(async () => {
      const analytics = window.consentSite.analytics()
      await analytics.identify('user-consent', { email: 'consent@example.com' })
      await analytics.track('Before Consent')
      await analytics.page()
    })
    // The real wrapper stamped the CMP's choices on every event analytics dispatched.
    const before = await seenEvents(p)
    expect(before.map((e) => e.type)).toEqual(['identify', 'track', 'page'])
    for (const event of before) expect(event.consent).toEqual({ categoryPreferences: DENIED })
    await expectNoWidget(p)

    // The visitor accepts in the banner: the wrapper's "Segment Consent Preference Updated" starts the widget.
    await setConsent(p, GRANTED)
    await widgetReady(p)
    await p.page.evaluate(() => window.consentSite.analytics().track('After Consent'))

    expect(requestsTo(p.requests, sandbox.url).filter((url) => url.includes('/include/'))).toHaveLength(1)
    const calls = await sandboxCalls(p.page, sandbox, (c) => callsTo(c, 'track').length > 0, WAIT_MS)
    expect(calls[0]).toMatchObject({
      method: 'identify',
      beforeLoad: true,
      args: ['user-consent', { email: 'consent@example.com' }]
    })
    // Neither the calls from before consent nor the consent event itself reached Drift.
    expect(callsTo(calls, 'identify')).toHaveLength(1)
    expect(callsTo(calls, 'track').map((c) => c.args[0])).toEqual(['After Consent'])
    expect(callsTo(calls, 'page')).toEqual([])
  })

  it('should identify a returning user first when consent arrives on a later page load', async () => {
    open = await openPage(browser, site.url)
    const p = open
    // An earlier page identified the user with consent, before Drift was on the site.
    await loadWithConsent(p, { categories: GRANTED })
    await p.page.evaluate(() => window.consentSite.analytics().identify('user-back', { plan: 'pro' }))
    await p.page.reload()
    await loadWithConsent(p, { categories: DENIED, plugin: drift('consent-returning') })
    await p.page.evaluate(() => window.consentSite.analytics().track('Denied'))
    await expectNoWidget(p)

    await setConsent(p, GRANTED)
    await p.page.evaluate(() => window.consentSite.analytics().track('Granted'))
    const calls = await sandboxCalls(p.page, sandbox, (c) => callsTo(c, 'track').length > 0, WAIT_MS)
    expect(calls[0]).toMatchObject({ method: 'identify', beforeLoad: true, args: ['user-back', { plan: 'pro' }] })
    expect(callsTo(calls, 'track').map((c) => c.args[0])).toEqual(['Granted'])
  })

  it('should load on the first event when consent is already granted, for a plugin registered by hand', async () => {
    open = await openPage(browser, site.url)
    const p = open
    await loadWithConsent(p, { categories: GRANTED, plugin: drift('consent-granted'), register: 'register' })
    // Loaded, but the widget waits for an event that carries the consent.
    expect(await p.page.evaluate(() => window.consentSite.plugins()[0].isLoaded())).toBe(true)
    await expectNoWidget(p)
    await p.page.evaluate(() => window.consentSite.analytics().track('Granted'))
    await widgetReady(p)
    const calls = await sandboxCalls(p.page, sandbox, (c) => callsTo(c, 'track').length > 0, WAIT_MS)
    expect(callsTo(calls, 'track').map((c) => c.args[0])).toEqual(['Granted'])
  })

  it('should not replay calls a snippet buffered before analytics loaded without consent', async () => {
    open = await openPage(browser, site.url)
    const p = open
    await loadWithConsent(p, {
      categories: DENIED,
      plugin: drift('consent-buffered'),
      buffered: [
        ['identify', 'user-buffered', { email: 'buffered@example.com' }],
        ['track', 'Buffered']
      ]
    })
    await waitFor(async () => (await seenEvents(p)).length === 2, 'the buffered calls to be dispatched', WAIT_MS)
    await expectNoWidget(p)
    await setConsent(p, GRANTED)
    await p.page.evaluate(() => window.consentSite.analytics().track('After Consent'))
    const calls = await sandboxCalls(p.page, sandbox, (c) => callsTo(c, 'track').length > 0, WAIT_MS)
    // The identity is analytics' (the visitor is the same person), but the buffered track never reaches Drift.
    expect(calls[0]).toMatchObject({ method: 'identify', args: ['user-buffered', expect.anything()] })
    expect(callsTo(calls, 'track').map((c) => c.args[0])).toEqual(['After Consent'])
  })

  it('should keep the widget out when consent is withdrawn before it loaded, and when events carry no consent', async () => {
    open = await openPage(browser, site.url)
    const p = open
    await loadWithConsent(p, { categories: GRANTED, plugin: drift('consent-withdrawn') })
    await setConsent(p, DENIED)
    await p.page.evaluate(() => window.consentSite.analytics().track('After Withdrawal'))
    expect((await seenEvents(p)).map((e) => [e.event, e.consent])).toEqual([
      ['Segment Consent Preference Updated', { categoryPreferences: DENIED }],
      ['After Withdrawal', { categoryPreferences: DENIED }]
    ])
    await expectNoWidget(p)
    await open.close()

    // No wrapper: events carry no consent, and consentWhenMissing "skip" keeps Drift out.
    open = await openPage(browser, site.url)
    const q = open
    await loadWithConsent(q, {
      categories: {},
      wrapper: false,
      plugin: drift('consent-missing', { consentWhenMissing: 'skip' })
    })
    await q.page.evaluate(() => window.consentSite.analytics().track('No Consent'))
    expect((await seenEvents(q)).map((e) => e.consent)).toEqual([undefined])
    await expectNoWidget(q)
  })

  it('should stop sending when consent is withdrawn after the widget loaded (the widget stays)', async () => {
    open = await openPage(browser, site.url)
    const p = open
    await loadWithConsent(p, { categories: GRANTED, plugin: drift('consent-then-withdrawn') })
    await p.page.evaluate(() => window.consentSite.analytics().track('Granted'))
    await widgetReady(p)
    await setConsent(p, DENIED)
    await p.page.evaluate(async () => {
      await window.consentSite.analytics().track('Withdrawn')
      await window.consentSite.analytics().identify('user-withdrawn')
    })
    await sleep(300)
    const calls = await sandboxCalls(p.page, sandbox, (c) => callsTo(c, 'track').length > 0, WAIT_MS)
    expect(callsTo(calls, 'track').map((c) => c.args[0])).toEqual(['Granted'])
    expect(callsTo(calls, 'identify')).toEqual([])
    expect(await p.page.evaluate(() => window.consentSite.widgetScripts())).toHaveLength(1)
  })
})
