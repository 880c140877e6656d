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
    // One after the other: when one fails, what already started is assigned, so afterAll can close it.
    browser = await launchChromium()
    site = await startTestSite()
    sandbox = await startSandbox({ widgetReadyDelayMs: 200 })
    signedSandbox = await startSandbox({
      widgetReadyDelayMs: 200,
      signedIdentitySecret: SECRET,
      requireSignedIdentity: true
    })
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

  it("2. sends an anonymous visitor's traits through setUserAttributes after ready, exactly once", async () => {
    const p = await visit()
    const traits = { email: 'anon@example.com', plan: 'free', address: { city: 'Lyon' } }
    // Called on the buffer before analytics (and long before the widget) is ready, as a site's snippet does.
    await load(p, { drift: driftSettings('e2e-anonymous'), buffered: [['identify', traits]] })
    await waitFor(() => p.page.evaluate(() => window.__driftSandbox?.ready), 'the widget to be ready')
    // Drift firing `ready` again must not replay what was already sent.
    expect(await p.page.evaluate(() => window.__driftSandbox?.emit('ready'))).toBeGreaterThan(0)
    await p.page.evaluate(() => window.e2e.analytics().track('Marker'))

    const calls = await sandboxCalls(p.page, sandbox, (c) => callsTo(c, 'track').length > 0)
    const attributes = callsTo(calls, 'api.setUserAttributes')
    expect(attributes).toHaveLength(1)
    expect(attributes[0].args[0]).toEqual({ email: 'anon@example.com', plan: 'free', address_city: 'Lyon' })
    expect(attributes[0].args[0]).toEqual(toDriftContactAttributes(traits).attributes)
    expect(attributes[0]).toMatchObject({ beforeLoad: false })
    expect(attributes[0].ignored).toBeUndefined()
    expect(callsTo(calls, 'identify')).toEqual([]) // no user id: never drift.identify
    // Held in order: the attributes reached Drift before the track made after them.
    expect(attributes[0].seq).toBeLessThan(callsTo(calls, 'track')[0].seq)
    expect(await p.page.evaluate(() => window.__driftSandbox?.visitorAttributes)).toEqual(attributes[0].args[0])
  })

  it('3. sends nested traits and properties flat, with dates converted', async () => {
    const p = await visit()
    await load(p, { drift: driftSettings('e2e-nested') })
    await p.page.evaluate(async () => {
      const analytics = window.e2e.analytics()
      // Typed loosely on purpose: sites send traits beyond Segment's spec (address.geo here).
      const traits: Record<string, unknown> = {
        name: 'Ada Lovelace',
        address: { city: 'Paris', geo: { lat: 48.85 } },
        createdAt: new Date('2024-01-15T10:00:00Z'),
        tags: ['a', 'b']
      }
      await analytics.identify('user-nested', traits)
      await analytics.track('Order Completed', {
        order: { id: 'o-1', total: 42.5, items: [{ sku: 'x' }, { sku: 'y' }] },
        shippedAt: new Date('2024-05-01T12:00:00Z')
      })
    })

    const calls = await sandboxCalls(p.page, sandbox, (c) => callsTo(c, 'track').length > 0)
    const [identify] = callsTo(calls, 'identify')
    expect(identify.args[0]).toBe('user-nested')
    expect(identify.args[1]).toEqual({
      name: 'Ada Lovelace',
      address_city: 'Paris',
      address_geo_lat: 48.85,
      tags: 'a,b',
      start_date: 1705312800000 // createdAt: Drift's default attribute, always epoch milliseconds (Drift's unit)
    })
    const [track] = callsTo(calls, 'track')
    expect(track.args[0]).toBe('Order Completed')
    expect(track.args[1]).toEqual({
      order_id: 'o-1',
      order_total: 42.5,
      order_items: '[{"sku":"x"},{"sku":"y"}]',
      shippedAt: 1714564800000
    })
    // The same answer the mapping core gives in Node: one rule for both places.
    expect(track.args[1]).toEqual(
      toDriftAttributes(
        {
          order: { id: 'o-1', total: 42.5, items: [{ sku: 'x' }, { sku: 'y' }] },
          shippedAt: new Date('2024-05-01T12:00:00Z')
        },
        { dateUnit: 'milliseconds' }
      ).attributes
    )
    for (const value of [...Object.values(identify.args[1] as object), ...Object.values(track.args[1] as object)]) {
      expect(['string', 'number', 'boolean']).toContain(typeof value)
    }
  })

  it('4. sends page with the right name on a single-page-app navigation', async () => {
    const p = await visit()
    await load(p, { drift: driftSettings('e2e-spa') })
    await p.page.evaluate(async () => {
      const analytics = window.e2e.analytics()
      history.pushState({}, '', '/app/settings')
      document.title = 'Settings'
      await analytics.page('Settings', 'Account')
      history.pushState({}, '', '/app/settings#billing')
      document.title = 'Billing'
      await analytics.page() // no name: Drift gets the page title
    })

    const calls = await sandboxCalls(p.page, sandbox, (c) => callsTo(c, 'page').length >= 2)
    expect(callsTo(calls, 'page').map((call) => call.args)).toEqual([['Settings Account'], ['Billing']])
    expect(p.page.url()).toBe(`${site.url}/app/settings#billing`)
    // No page load happened: the navigation was the app's own (no new document was requested).
    expect(p.documents).toEqual([`${site.url}/`])
    const seenPages = await p.page.evaluate(() => window.e2e.seen.filter((e) => e.type === 'page'))
    expect(seenPages[0].properties).toMatchObject({ path: '/app/settings', title: 'Settings' })
  })

  it('5. resets Drift on logout, and the next user is not mixed with the last one', async () => {
    const p = await visit()
    await load(p, { drift: driftSettings('e2e-logout') })
    await p.page.evaluate(async () => {
      const analytics = window.e2e.analytics()
      await analytics.identify('user-a', { email: 'a@example.com', plan: 'pro', company_name: 'A Corp' })
      analytics.reset() // logout
      await analytics.identify('user-b', { email: 'b@example.com' })
    })

    const calls = await sandboxCalls(p.page, sandbox, (c) => callsTo(c, 'identify').length >= 2)
    const story = calls
      .filter((call) => call.method === 'identify' || call.method === 'reset')
      .map((call) => (call.method === 'identify' ? `identify ${String(call.args[0])}` : 'reset'))
    expect(story).toEqual(['identify user-a', 'reset', 'identify user-b'])
    const identifyB = callsTo(calls, 'identify')[1]
    expect(identifyB.args[1]).toEqual({ email: 'b@example.com' }) // nothing of user-a's traits
    const user = await p.page.evaluate(() => window.__driftSandbox?.user)
    expect(user).toEqual({ userId: 'user-b', attributes: { email: 'b@example.com' }, signed: false })
    expect(await p.page.evaluate(() => window.e2e.analytics().user().id())).toBe('user-b')
  })

  describe('6. signed identities required', () => {
    const signedSettings = (embedId: string) => driftSettings(embedId, signedSandbox, { requireSignedIdentity: true })

    it('identify with a valid token from integrations.Drift.userJwt succeeds and is verified by Drift', async () => {
      const p = await visit()
      await load(p, { drift: signedSettings('e2e-signed') })
      const token = signIdentity('user-signed', SECRET)
      await p.page.evaluate(
        (userJwt) =>
          window.e2e
            .analytics()
            .identify('user-signed', { email: 'signed@example.com' }, { integrations: { Drift: { userJwt } } }),
        token
      )

      const calls = await sandboxCalls(p.page, signedSandbox, (c) => callsTo(c, 'identify').length > 0)
      const [identify] = callsTo(calls, 'identify')
      expect(identify.args[0]).toBe('user-signed')
      expect(identify.ignored).toBeUndefined()
      expect(identify.identity).toMatchObject({ hasToken: true, verified: true })
      expect(JSON.stringify(signedSandbox.state)).not.toContain(token) // the sandbox never keeps the token
      expect(await p.page.evaluate(() => window.__driftSandbox?.user?.signed)).toBe(true)
    })

    it('identify with a token from the signedIdentity resolver succeeds; a token for someone else fails', async () => {
      const p = await visit()
      await load(p, {
        drift: signedSettings('e2e-resolver'),
        signedTokens: {
          'user-resolved': signIdentity('user-resolved', SECRET),
          'user-forged': signIdentity('someone-else', SECRET)
        }
      })
      await p.page.evaluate(async () => {
        const analytics = window.e2e.analytics()
        await analytics.identify('user-resolved', { email: 'resolved@example.com' })
        await analytics.identify('user-forged', { email: 'forged@example.com' })
      })

      const calls = await sandboxCalls(p.page, signedSandbox, (c) => callsTo(c, 'identify').length >= 2)
      const checks = callsTo(calls, 'identify').map((call) => [call.args[0], call.identity?.verified])
      expect(checks).toEqual([
        ['user-resolved', true],
        ['user-forged', false]
      ])
    })

    it('identify without a token is refused, and the console says why', async () => {
      const p = await visit()
      await load(p, { drift: signedSettings('e2e-unsigned') })
      await p.page.evaluate(async () => {
        const analytics = window.e2e.analytics()
        await analytics.identify('user-unsigned', { email: 'unsigned@example.com' })
        await analytics.track('Marker')
      })

      const calls = await sandboxCalls(p.page, signedSandbox, (c) => callsTo(c, 'track').length > 0)
      expect(callsTo(calls, 'identify')).toEqual([])
      expect(await p.page.evaluate(() => window.__driftSandbox?.user)).toBeNull()
      const why = p.console.filter((m) => m.text.includes('requireSignedIdentity needs a signed identity'))
      expect(why).toHaveLength(1)
      expect(why[0].type).toBe('warning')
      expect(why[0].text).toContain('identify not sent')
    })
  })

  it('7. forwards a widget event to analytics as a track call, without echoing it to Drift', async () => {
    const p = await visit()
    await load(p, { drift: driftSettings('e2e-widget-event', sandbox, { widgetEvents: ['startConversation'] }) })
    await waitFor(() => p.page.evaluate(() => window.__driftSandbox?.ready), 'the widget to be ready')
    const handlers = await p.page.evaluate(() =>
      window.__driftSandbox?.emit('startConversation', { conversationId: 4242, inboxId: 7 })
    )
    expect(handlers).toBe(1)

    const forwarded = await waitFor(
      () => p.page.evaluate(() => window.e2e.seen.find((e) => e.event === 'Drift Start Conversation')),
      'analytics to track the widget event'
    )
    expect(forwarded).toMatchObject({
      type: 'track',
      properties: { conversationId: 4242, inboxId: 7 },
      integrations: { Drift: false }
    })
    await p.page.evaluate(() => window.e2e.analytics().track('Marker'))
    const calls = await sandboxCalls(p.page, sandbox, (c) => callsTo(c, 'track').length > 0)
    expect(callsTo(calls, 'track').map((call) => call.args[0])).toEqual(['Marker'])
  })

  it('8. refuses an invalid embed id: no script tag, a clear console error', async () => {
    const p = await visit()
    const calls = sandbox.state.widgetCalls.length
    await load(p, { drift: driftSettings('bad id"><script>alert(1)</script>') })
    await p.page.evaluate(() => window.e2e.analytics().track('After a bad embed id'))

    expect(await p.page.evaluate(() => window.e2e.widgetScripts())).toEqual([])
    expect(await p.page.evaluate(() => window.__driftSandbox)).toBeUndefined()
    expect(p.requests.filter((url) => url.includes('/include/'))).toEqual([])
    const errors = p.console.filter((m) => m.type === 'error' && m.text.includes('embedId'))
    expect(errors.map((m) => m.text)).toEqual([
      expect.stringMatching(/^\[Drift\] Invalid Drift settings: embedId must contain only letters, digits and "-"/)
    ])
    expect(sandbox.state.widgetCalls.length).toBe(calls)
  })
})
