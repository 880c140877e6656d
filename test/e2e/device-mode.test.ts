/* istanbul ignore file -- the callbacks given to page.evaluate run in Chromium and must stay uninstrumented */
import type { Browser } from 'playwright-core'
import type { PageServer } from '../../playground/page-server'
import { signIdentity, startSandbox, type Sandbox } from '../../sandbox'
import { toDriftAttributes, toDriftContactAttributes } from '../../shared'
import { describeWithChromium, launchChromium } from './browser'
import { callsTo, offMachineRequests, openPage, sandboxCalls, startTestSite, waitFor, type OpenPage } from './harness'
import type { SiteLoadOptions } from './page/site'

// Device mode in a real browser: the site's page loads a real analytics-next bundle with driftPlugin, the
// sandbox serves Drift's widget script and records what "Drift" received. Each scenario asserts the sandbox's side.

jest.setTimeout(30000)

const SECRET = 'e2e-signing-secret'

describeWithChromium('device mode in Chromium (analytics-next + driftPlugin + the sandbox widget)', () => {
  let browser: Browser
  let site: PageServer
  let sandbox: Sandbox
  /** A second sandbox whose widget requires signed identities (Drift's REQUIRED setting). */
  let signedSandbox: Sandbox
  let open: OpenPage | undefined

  beforeAll(async () => {
    ;[browser, site, sandbox, signedSandbox] = await Promise.all([
      launchChromium(),
      startTestSite(),
      startSandbox({ widgetReadyDelayMs: 200 }),
      startSandbox({ widgetReadyDelayMs: 200, signedIdentitySecret: SECRET, requireSignedIdentity: true })
    ])
  })

  afterAll(async () => {
    await Promise.all([browser?.close(), site?.close(), sandbox?.close(), signedSandbox?.close()])
  })

  afterEach(async () => {
    if (open) {
      // Nothing the page asked for left 127.0.0.1: not analytics' CDN, not api.segment.io, not Drift.
      expect(offMachineRequests(open.requests)).toEqual([])
      expect(open.pageErrors).toEqual([])
      await open.close()
    }
    open = undefined
  })

  async function visit(path = '/'): Promise<OpenPage> {
    open = await openPage(browser, site.url + path)
    return open
  }

  const driftSettings = (embedId: string, target: Sandbox = sandbox, extra: Record<string, unknown> = {}) => ({
    embedId,
    scriptOrigin: target.url,
    ...extra
  })

  const load = (page: OpenPage, options: SiteLoadOptions) => page.page.evaluate((o) => window.e2e.load(o), options)

  it('1. identifies a returning logged-in visitor before the widget loads', async () => {
    const visit1 = await visit()
    // First visit: the site identifies the user (Drift not on this page yet); analytics keeps the id.
    await load(visit1, {})
    await visit1.page.evaluate(() =>
      window.e2e.analytics().identify('user-returning', { email: 'returning@example.com', plan: 'pro' })
    )
    // The next page load: analytics knows the user before Drift's script arrives.
    await visit1.page.reload()
    await load(visit1, { drift: driftSettings('e2e-returning') })

    const calls = await sandboxCalls(visit1.page, sandbox, (c) => callsTo(c, 'identify').length > 0)
    const identify = callsTo(calls, 'identify')
    expect(identify).toHaveLength(1)
    expect(identify[0]).toMatchObject({ beforeLoad: true, embedId: 'e2e-returning' })
    expect(identify[0].args[0]).toBe('user-returning')
    expect(identify[0].args[1]).toEqual({ email: 'returning@example.com', plan: 'pro' })
    expect(calls[0].method).toBe('identify') // the first thing Drift saw, ahead of the queued handlers
    expect(await visit1.page.evaluate(() => window.__driftSandbox?.identifiedBeforeLoad)).toBe(true)
  })
})
