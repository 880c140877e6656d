import { Context } from '@segment/analytics-next'
import { DEFAULT_BLOCKED_ATTRIBUTES } from '../../../shared/privacy/blocked-attributes'
import { DEVICE_SETTINGS } from '../../../shared/settings-rules'
import { driftBrowserDestination } from '../destination'
import { loadDestination, presetSubscriptions, ready, useWidgetPage } from './helpers/destination'
import { driftCalls, sandbox, waitFor, widgetScripts } from './helpers/page'

const page = useWidgetPage()
const settings = () => ({ embedId: 'embed-1', scriptOrigin: page.server().origin })

describe('Drift Web (Actions)', () => {
  it('should have a preset for every action except setUserAttributes, each with its event type', () => {
    const presets = (driftBrowserDestination.presets ?? []).map((p) => [
      p.partnerAction,
      'subscribe' in p && p.subscribe
    ])
    expect(presets).toEqual([
      ['identifyUser', 'type = "identify"'],
      ['trackEvent', 'type = "track"'],
      ['trackPage', 'type = "page"'],
      ['identifyCompany', 'type = "group"']
    ])
    expect(Object.keys(driftBrowserDestination.actions)).toEqual([
      'identifyUser',
      'setUserAttributes',
      'trackEvent',
      'trackPage',
      'identifyCompany'
    ])
  })

  it('should label, describe and type every setting and field', () => {
    const fields = [
      ...Object.values(driftBrowserDestination.settings ?? {}),
      ...Object.values(driftBrowserDestination.actions).flatMap((action) => Object.values(action.fields))
    ]
    for (const field of fields) {
      expect(field.label).toMatch(/^[A-Z]/)
      expect(field.description).toMatch(/\.$/)
      expect(field.type).toBeDefined()
      expect(typeof field.required).toBe('boolean')
    }
  })

  it('should offer every device setting except the page switch and the resolver, with the same defaults', () => {
    const offered = Object.keys(driftBrowserDestination.settings ?? {})
    const rules = Object.keys(DEVICE_SETTINGS).filter((key) => !['trackPages', 'signedIdentity'].includes(key))
    expect(offered.sort()).toEqual(rules.sort())
    // The defaults a catalog shows, written out: both the field and the rule must have them.
    const expected: Record<string, unknown> = {
      scriptOrigin: 'https://js.driftt.com',
      identityMode: 'identify',
      dateUnit: 'milliseconds',
      separator: '_',
      identifyOnEmailCapture: false,
      requireSignedIdentity: false,
      signedIdentityTimeoutMs: 3000,
      readyTimeoutMs: 15000,
      consentWhenMissing: 'send'
    }
    // A list default is the rule's alone (a catalog field cannot show one): blockedAttributes holds the secrets.
    const listDefaults: Record<string, unknown> = { blockedAttributes: [...DEFAULT_BLOCKED_ATTRIBUTES] }
    for (const [key, setting] of Object.entries(driftBrowserDestination.settings ?? {})) {
      const rule = DEVICE_SETTINGS[key as keyof typeof DEVICE_SETTINGS] as { default?: unknown }
      expect([key, setting.default]).toEqual([key, expected[key]])
      // Other lists (widgetEvents, blockedUserIds, consentCategories) default to [] in the rules.
      if (key in expected) expect([key, rule.default]).toEqual([key, expected[key]])
      else if (key !== 'embedId') expect([key, rule.default]).toEqual([key, listDefaults[key] ?? []])
    }
  })

  it('should refuse an invalid embedId in initialize, before any script tag', async () => {
    await expect(
      driftBrowserDestination.initialize({ settings: { embedId: 'bad/id' }, analytics: {} as never }, {} as never)
    ).rejects.toThrow('embedId must contain only letters, digits and "-"')
    expect(widgetScripts()).toHaveLength(0)
    expect(console.error).toHaveBeenCalledWith(expect.stringContaining('embedId must contain only letters'))
  })

  it('should identify a returning user before the widget loads', async () => {
    localStorage.setItem('ajs_user_id', JSON.stringify('user-1'))
    localStorage.setItem('ajs_user_traits', JSON.stringify({ name: 'Ann' }))
    const { client } = await loadDestination(settings())
    await ready(client)
    expect(sandbox()?.identifiedBeforeLoad).toBe(true)
    expect(driftCalls()).toEqual([['identify', 'user-1', { name: 'Ann' }]])
  })

  it('should send each preset through the widget in order', async () => {
    const { analytics, client } = await loadDestination(settings())
    await analytics.identify('user-2', { name: 'Bo', address: { city: 'Oslo' } })
    await analytics.track('Signed Up', { plan: { tier: 'pro' } })
    await analytics.page('Docs', 'Install')
    await analytics.group('acme', { name: 'Acme' })
    await ready(client)
    expect(driftCalls()).toEqual([
      ['identify', 'user-2', { name: 'Bo', address_city: 'Oslo' }],
      ['track', 'Signed Up', { plan_tier: 'pro' }],
      ['page', 'Docs Install'],
      ['api.setUserAttributes', { company_name: 'Acme', company_id: 'acme' }]
    ])
  })

  it('should reset Drift on analytics.reset()', async () => {
    const { analytics, client } = await loadDestination(settings())
    await ready(client)
    await analytics.identify('user-3', {})
    analytics.reset()
    await client.idle()
    expect(driftCalls()).toEqual([['identify', 'user-3', {}], ['reset']])
  })

  it('should not send events marked integrations.Drift false (the runtime does not filter them)', async () => {
    const { analytics, client } = await loadDestination(settings())
    await ready(client)
    await analytics.track('Off', {}, { integrations: { Drift: false } })
    await analytics.track('Catalog name off', {}, { integrations: { 'Drift Web (Actions)': false } })
    await analytics.track('All off', {}, { integrations: { All: false } })
    await analytics.identify('user-4', {}, { integrations: { Drift: false } })
    await client.idle()
    expect(driftCalls()).toEqual([])
  })

  it('should check integrations in the actions themselves, not only through analytics-next', async () => {
    const { plugins, client } = await loadDestination(settings())
    await ready(client)
    const trackEvent = plugins.find((plugin) => plugin.name.endsWith('trackEvent'))
    const direct = (integrations: Record<string, boolean>) =>
      new Context({ type: 'track', event: 'Direct', properties: {}, integrations })
    const contexts = [direct({ All: false }), direct({ Drift: false }), direct({ 'Drift Web (Actions)': false })]
    for (const ctx of contexts) await trackEvent?.track?.(ctx)
    await client.idle()
    expect(trackEvent).toBeDefined()
    expect(driftCalls()).toEqual([])
    for (const ctx of contexts)
      expect(ctx.logs().map((log) => log.message)).toContain('[Drift] not sent: integrations.Drift is false')
  })

  it('should forward widget events into analytics and not echo them through the trackEvent preset', async () => {
    const { analytics, client } = await loadDestination({ ...settings(), widgetEvents: ['startConversation'] })
    await ready(client)
    const tracked: string[] = []
    analytics.on('track', (event) => tracked.push(String(event)))
    sandbox()?.emit('startConversation', { conversationId: 5 })
    await waitFor(() => tracked.length === 1, 'the forwarded event')
    await client.idle()
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(tracked).toEqual(['Drift Start Conversation'])
    expect(driftCalls()).toEqual([])
  })

  it('should run only subscribed actions', async () => {
    const trackOnly = presetSubscriptions().filter((s) => s.partnerAction === 'trackEvent')
    const { analytics, client, plugins } = await loadDestination(settings(), trackOnly)
    expect(plugins.map((p) => p.name)).toEqual(['Drift Web (Actions) trackEvent'])
    await ready(client)
    await analytics.page('Ignored')
    await analytics.track('Kept')
    await client.idle()
    expect(driftCalls()).toEqual([['track', 'Kept', {}]])
  })
})
