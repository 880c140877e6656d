import { Context, type Plugin } from '@segment/analytics-next'
import type { DeviceSettingsInput } from '../../../shared/settings-rules'
import { driftPlugin, type DriftPlugin } from '../plugin'
import { loadAnalytics } from './helpers/analytics'
import { driftCalls, sandbox, sleep, waitFor, widgetScripts } from './helpers/page'
import { ready, useWidgetPage } from './helpers/destination'

const page = useWidgetPage()

/** Every event analytics delivered to destinations, as a site's other destination would see them. */
function recorder(): Plugin & { events: Context['event'][] } {
  const events: Context['event'][] = []
  return {
    name: 'Recorder',
    type: 'destination',
    version: '1.0.0',
    events,
    isLoaded: () => true,
    load: () => Promise.resolve(),
    track: (ctx) => (events.push(ctx.event), ctx),
    identify: (ctx) => (events.push(ctx.event), ctx)
  }
}

async function setup(settings: Partial<DeviceSettingsInput> = {}, extra: Plugin[] = []) {
  const plugin = driftPlugin({ embedId: 'embed-1', scriptOrigin: page.server().origin, ...settings })
  const [analytics] = await loadAnalytics([plugin, ...extra])
  return { plugin, analytics }
}

const settle = (plugin: DriftPlugin) => ready(plugin.client)

function returningUser(id: string, traits: object): void {
  localStorage.setItem('ajs_user_id', JSON.stringify(id))
  localStorage.setItem('ajs_user_traits', JSON.stringify(traits))
}

function logMessages(ctx: Context): string[] {
  return ctx.logs().map((log) => log.message)
}

describe('driftPlugin: loading', () => {
  it('installs the stub and loads the widget script from the 5-minute bucket path', async () => {
    const { plugin } = await setup()
    expect(plugin.isLoaded()).toBe(true)
    const [script] = widgetScripts()
    expect(script.src).toMatch(new RegExp(`^${page.server().origin}/include/\\d+/embed-1\\.js$`))
    const bucket = Number(script.src.split('/')[4])
    expect(bucket % 300000).toBe(0)
    expect(bucket).toBeGreaterThanOrEqual(Date.now())
    expect(bucket - Date.now()).toBeLessThanOrEqual(300000)
    await settle(plugin)
    expect(widgetScripts()).toHaveLength(1)
    expect(
      sandbox()
        ?.calls.filter((c) => c.method === 'on')
        .map((c) => c.args[0])
    ).toEqual(['ready'])
  })

  it('reuses a widget already on the page instead of loading it twice', async () => {
    const first = await setup()
    await settle(first.plugin)
    const requests = page.server().requests.length
    const second = driftPlugin({ embedId: 'embed-1', scriptOrigin: page.server().origin })
    const [analytics] = await loadAnalytics([second])
    await analytics.track('Second instance')
    await second.client?.idle()
    expect(page.server().requests.length).toBe(requests)
    expect(widgetScripts()).toHaveLength(1)
    expect(driftCalls()).toEqual([['track', 'Second instance', {}]])
  })

  it('refuses an invalid embedId before touching the page: no script tag, a clear error', async () => {
    const plugin = driftPlugin({ embedId: 'x"><script>alert(1)</script>', scriptOrigin: page.server().origin })
    const [analytics] = await loadAnalytics([plugin])
    await analytics.track('Anything')
    expect(widgetScripts()).toHaveLength(0)
    expect(document.querySelectorAll('script')).toHaveLength(0)
    expect((window as { drift?: unknown }).drift).toBeUndefined()
    expect(plugin.isLoaded()).toBe(false)
    expect(page.error()).toHaveBeenCalledWith(
      expect.stringContaining('embedId must contain only letters, digits and "-"')
    )
    await expect(plugin.load(Context.system(), analytics)).rejects.toThrow(/embedId must contain only letters/)
  })

  it('refuses a scriptOrigin that is not https (http only on loopback)', async () => {
    const plugin = driftPlugin({ embedId: 'embed-1', scriptOrigin: 'http://evil.example' })
    const [analytics] = await loadAnalytics([])
    await expect(plugin.load(Context.system(), analytics)).rejects.toThrow(/scriptOrigin must use https/)
    expect(widgetScripts()).toHaveLength(0)
  })

  it('says so when a setting is not a Drift setting (a misspelt requireSignedIdentity must not pass silently)', async () => {
    await setup({ requireSignedIdentiy: true } as Partial<DeviceSettingsInput>)
    expect(page.warn()).toHaveBeenCalledWith(
      '[Drift] the setting "requireSignedIdentiy" is not a Drift setting and is ignored (check its spelling)'
    )
    expect(page.warn()).toHaveBeenCalledTimes(1)
  })
})

describe('driftPlugin: identify', () => {
  it('identifies a returning user before the widget script loads', async () => {
    returningUser('user-1', { name: 'Ann', email: 'ann@example.com' })
    const { plugin, analytics } = await setup()
    await analytics.page()
    await settle(plugin)
    expect(sandbox()?.identifiedBeforeLoad).toBe(true)
    const calls = sandbox()?.calls.filter((c) => c.method !== 'on') ?? []
    expect(calls[0]).toMatchObject({
      method: 'identify',
      args: ['user-1', { name: 'Ann', email: 'ann@example.com' }],
      beforeLoad: true
    })
    // The first page does not identify again: the user was identified at load.
    expect(driftCalls()).toEqual([
      ['identify', 'user-1', { name: 'Ann', email: 'ann@example.com' }],
      ['page', 'Test page']
    ])
  })

  it('holds anonymous attributes until ready and sends them once, in order with the rest', async () => {
    const { plugin, analytics } = await setup()
    await analytics.track('Before')
    await analytics.identify({ plan: 'pro', firstName: 'Ann' })
    await analytics.track('After')
    expect(sandbox()?.ready).not.toBe(true)
    await settle(plugin)
    await sleep(50)
    expect(driftCalls()).toEqual([
      ['track', 'Before', {}],
      ['api.setUserAttributes', { plan: 'pro', first_name: 'Ann' }],
      ['track', 'After', {}]
    ])
    const attributesCall = sandbox()?.calls.find((c) => c.method === 'api.setUserAttributes')
    expect(attributesCall?.beforeLoad).toBe(false)
  })

  it('sends nested traits flat and dates in milliseconds (the default)', async () => {
    const { plugin, analytics } = await setup()
    await settle(plugin)
    const traits: Record<string, unknown> = {
      address: { city: 'Paris', geo: { lat: 48.8 } },
      tags: ['a', 'b'],
      createdAt: new Date('2024-01-02T03:04:05.678Z'),
      id: 'user-2'
    }
    await analytics.identify('user-2', traits)
    await analytics.track('Ordered', { order: { total: 12.5, at: new Date('2024-01-02T03:04:05Z') } })
    await plugin.client?.idle()
    expect(driftCalls()).toEqual([
      ['identify', 'user-2', { address_city: 'Paris', address_geo_lat: 48.8, tags: 'a,b', start_date: 1704164645678 }],
      ['track', 'Ordered', { order_total: 12.5, order_at: 1704164645000 }]
    ])
  })

  it('uses Unix seconds and another separator when the settings say so', async () => {
    const { plugin, analytics } = await setup({ dateUnit: 'seconds', separator: '.' })
    await settle(plugin)
    await analytics.track('Ordered', { order: { at: new Date('2024-01-02T03:04:05.678Z') } })
    await plugin.client?.idle()
    expect(driftCalls()).toEqual([['track', 'Ordered', { 'order.at': 1704164645 }]])
  })

  it('reports what the mapping dropped in the event log', async () => {
    const { plugin, analytics } = await setup()
    await settle(plugin)
    const ctx = await analytics.track('Odd', { empty: {}, nothing: null })
    expect(logMessages(ctx)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\[Drift\] empty dropped: empty object/),
        expect.stringMatching(/\[Drift\] nothing dropped: null/)
      ])
    )
  })

  it('skips an identify equal to the last one sent', async () => {
    const { plugin, analytics } = await setup()
    await settle(plugin)
    await analytics.identify('user-3', { plan: 'pro' })
    const ctx = await analytics.identify('user-3', { plan: 'pro' })
    await analytics.identify('user-3', { plan: 'team' })
    await plugin.client?.idle()
    expect(driftCalls()).toEqual([
      ['identify', 'user-3', { plan: 'pro' }],
      ['identify', 'user-3', { plan: 'team' }]
    ])
    expect(logMessages(ctx)).toContain('[Drift] identify skipped: same user and attributes as the last one sent')
  })

  it('resets before identifying a different user', async () => {
    const { plugin, analytics } = await setup()
    await settle(plugin)
    await analytics.identify('user-a', { name: 'A' })
    analytics.user().traits({}) // a site switching accounts replaces the traits
    await analytics.identify('user-b', { name: 'B' })
    await plugin.client?.idle()
    expect(driftCalls()).toEqual([
      ['identify', 'user-a', { name: 'A' }],
      ['reset'],
      ['identify', 'user-b', { name: 'B' }]
    ])
  })

  it('refuses placeholder and blocked user ids with a reason in the event log', async () => {
    const { plugin, analytics } = await setup({ blockedUserIds: ['demo'] })
    await settle(plugin)
    const placeholder = await analytics.identify('undefined', { a: 1 })
    const blocked = await analytics.identify('DEMO', { a: 1 })
    await plugin.client?.idle()
    expect(driftCalls()).toEqual([])
    expect(logMessages(placeholder)).toContain(
      '[Drift] identify not sent: userId must not be a placeholder (null, 0, anonymous…)'
    )
    expect(logMessages(blocked)).toContain('[Drift] identify not sent: userId must not be a blocked id')
  })

  it('says so when an anonymous identify has nothing to send', async () => {
    const { plugin, analytics } = await setup()
    await settle(plugin)
    const ctx = await analytics.identify()
    await plugin.client?.idle()
    expect(driftCalls()).toEqual([])
    expect(logMessages(ctx)).toContain('[Drift] no attributes left after mapping: nothing sent')
  })

  it('sends attributes instead of identify in identity mode "attributes"', async () => {
    returningUser('user-4', { name: 'D' })
    const { plugin, analytics } = await setup({ identityMode: 'attributes' })
    await analytics.identify('user-4', { name: 'Dee' })
    await settle(plugin)
    expect(sandbox()?.identifiedBeforeLoad).toBe(false)
    expect(driftCalls()).toEqual([['api.setUserAttributes', { name: 'Dee' }]])
  })

  it('sends recent_source from the campaign source', async () => {
    const { plugin, analytics } = await setup()
    await settle(plugin)
    await analytics.identify(
      'user-5',
      {},
      { context: { campaign: { source: 'newsletter', name: 'spring', medium: 'email' } } }
    )
    await plugin.client?.idle()
    expect(driftCalls()).toEqual([['identify', 'user-5', { recent_source: 'newsletter' }]])
  })
})

describe('driftPlugin: signed identity', () => {
  it('holds calls made while load waits for the signed identity of a returning user, and sends them after it', async () => {
    // analytics-next does not await a destination's load before delivering to it.
    returningUser('user-slow', { plan: 'pro' })
    let answer: (token: string) => void = () => {}
    const signedIdentity = () => new Promise<string>((resolve) => (answer = resolve))
    const { plugin, analytics } = await setup({ signedIdentity })
    expect(plugin.isLoaded()).toBe(false)
    const track = analytics.track('During load')
    await sleep(20)
    answer('jwt-slow')
    const ctx = await track
    expect(ctx.failedDelivery()).toBeUndefined()
    await settle(plugin)
    expect(driftCalls()).toEqual([
      ['identify', 'user-slow', { plan: 'pro' }, { userJwt: 'jwt-slow' }],
      ['track', 'During load', {}]
    ])
  })

  it('passes the token from integrations.Drift.userJwt and never logs it', async () => {
    const { plugin, analytics } = await setup({ requireSignedIdentity: true }, [])
    await settle(plugin)
    const ctx = await analytics.identify(
      'user-6',
      { plan: 'pro', gone: null },
      { integrations: { Drift: { userJwt: 'jwt-secret-6' } } }
    )
    await plugin.client?.idle()
    expect(driftCalls()).toEqual([['identify', 'user-6', { plan: 'pro' }, { userJwt: 'jwt-secret-6' }]])
    // analytics-next's own debug entry ("Delivered") holds the whole event; the plugin's entries never hold the token.
    // (The null trait makes the plugin write an entry of its own, so there is one to inspect.)
    const driftLogs = ctx.logs().filter((log) => log.message.startsWith('[Drift]') || log.extras?.plugin === 'Drift')
    expect(driftLogs.map((log) => log.message)).toContain('[Drift] gone dropped: null')
    expect(JSON.stringify(driftLogs)).not.toContain('jwt-secret-6')
    expect(JSON.stringify([page.warn().mock.calls, page.error().mock.calls])).not.toContain('jwt-secret-6')
  })

  it('says why a token under a key it does not read, or not a string, was ignored (never the value)', async () => {
    const { plugin, analytics } = await setup()
    await settle(plugin)
    const misspelled = await analytics.identify('user-9', {}, { integrations: { Drift: { userJWT: 'tok-c' } } })
    const notText = await analytics.identify('user-10', {}, { integrations: { Drift: { userJwt: 12345 } } })
    await plugin.client?.idle()
    expect(driftCalls()).toEqual([['identify', 'user-9', {}], ['reset'], ['identify', 'user-10', {}]])
    expect(logMessages(misspelled)).toContain(
      '[Drift] integrations.Drift.userJWT ignored: the signed identity goes under userJwt, signedIdentity, jwt'
    )
    expect(logMessages(notText)).toContain(
      '[Drift] integrations.Drift.userJwt ignored: a signed identity must be a non-empty string'
    )
    expect(JSON.stringify(misspelled.logs().filter((log) => log.message.startsWith('[Drift]')))).not.toContain('tok-c')
  })

  it('reports a token-looking key only when it holds a value (an empty one is nothing to ignore)', async () => {
    const { plugin, analytics } = await setup()
    await settle(plugin)
    const empty = await analytics.identify('user-11', {}, { integrations: { Drift: { userJWT: '', jwt: null } } })
    await plugin.client?.idle()
    expect(driftCalls()).toEqual([['identify', 'user-11', {}]])
    expect(logMessages(empty).filter((message) => message.includes('ignored'))).toEqual([])
  })

  it('accepts the token under signedIdentity and jwt too', async () => {
    const { plugin, analytics } = await setup()
    await settle(plugin)
    await analytics.identify('user-7', {}, { integrations: { Drift: { signedIdentity: 'tok-a' } } })
    await analytics.identify('user-8', {}, { integrations: { Drift: { jwt: 'tok-b' } } })
    await plugin.client?.idle()
    expect(driftCalls()).toEqual([
      ['identify', 'user-7', {}, { userJwt: 'tok-a' }],
      ['reset'],
      ['identify', 'user-8', {}, { userJwt: 'tok-b' }]
    ])
  })

  it('asks the signedIdentity resolver, also for a returning user before load', async () => {
    returningUser('user-9', { name: 'Nine' })
    const resolver = jest.fn(async (userId: string) => {
      await sleep(20)
      return `token-for-${userId}`
    })
    const { plugin, analytics } = await setup({
      embedId: 'signed-only',
      signedIdentity: resolver,
      requireSignedIdentity: true
    })
    await settle(plugin)
    await analytics.identify('user-10', { name: 'Ten' })
    await analytics.identify('user-10', { name: 'Ten' }) // a duplicate: neither the resolver nor Drift is asked
    await analytics.track('After')
    await plugin.client?.idle()
    expect(sandbox()?.identifiedBeforeLoad).toBe(true)
    expect(resolver.mock.calls).toEqual([['user-9'], ['user-10']])
    expect(driftCalls()).toEqual([
      ['identify', 'user-9', { name: 'Nine' }, { userJwt: 'token-for-user-9' }],
      ['reset'],
      ['identify', 'user-10', { name: 'Ten' }, { userJwt: 'token-for-user-10' }],
      ['track', 'After', {}]
    ])
    expect(sandbox()?.calls.every((call) => call.ignored === undefined)).toBe(true)
  })

  it('does not ask the resolver for an id the guard refuses, and warns about an email id only when unsigned', async () => {
    const resolver = jest.fn(async (userId: string) => (userId === 'a@b.co' ? 'token-for-email' : undefined))
    const { plugin, analytics } = await setup({ signedIdentity: resolver, blockedUserIds: ['blocked-1'] })
    await settle(plugin)
    const blocked = await analytics.identify('blocked-1', {})
    const placeholder = await analytics.identify('anonymous', {})
    const signed = await analytics.identify('a@b.co', {})
    const unsigned = await analytics.identify('c@d.co', {})
    await plugin.client?.idle()
    expect(resolver.mock.calls).toEqual([['a@b.co'], ['c@d.co']])
    expect(logMessages(blocked)).toContain('[Drift] identify not sent: userId must not be a blocked id')
    expect(logMessages(placeholder)).toContain(
      '[Drift] identify not sent: userId must not be a placeholder (null, 0, anonymous…)'
    )
    const email = (ctx: Context) => logMessages(ctx).filter((message) => /email/i.test(message))
    expect(email(signed)).toEqual([])
    expect(email(unsigned)).toHaveLength(1)
    expect(driftCalls()).toEqual([
      ['identify', 'a@b.co', {}, { userJwt: 'token-for-email' }],
      ['reset'],
      ['identify', 'c@d.co', {}]
    ])
  })

  it('skips an unsigned identify that repeats the last one without repeating the email-as-id warning', async () => {
    const { plugin, analytics } = await setup()
    await settle(plugin)
    const first = await analytics.identify('c@d.co', {})
    const again = await analytics.identify('c@d.co', {})
    await plugin.client?.idle()
    const email = (ctx: Context) => logMessages(ctx).filter((message) => /email/i.test(message))
    expect(email(first)).toHaveLength(1)
    expect(email(again)).toEqual([])
    expect(driftCalls()).toEqual([['identify', 'c@d.co', {}]])
  })

  it('refuses to identify when a signed identity is required and missing, and says why once', async () => {
    const { plugin, analytics } = await setup({ embedId: 'signed-only', requireSignedIdentity: true })
    await settle(plugin)
    const first = await analytics.identify('user-11', { name: 'Eleven' })
    await analytics.identify('user-11', { name: 'Eleven again' })
    await analytics.track('Still tracked')
    await plugin.client?.idle()
    expect(driftCalls()).toEqual([['track', 'Still tracked', {}]])
    const why = '[Drift] identify not sent: requireSignedIdentity needs a signed identity'
    expect(logMessages(first)).toContain(why)
    expect(page.warn().mock.calls.filter(([message]) => message === why)).toHaveLength(1)
  })

  it('goes on unsigned when the resolver does not answer in time (signed identity not required)', async () => {
    const { plugin, analytics } = await setup({
      signedIdentity: () => new Promise<string>(() => {}),
      signedIdentityTimeoutMs: 50
    })
    await settle(plugin)
    const ctx = await analytics.identify('user-12', {})
    await plugin.client?.idle()
    expect(driftCalls()).toEqual([['identify', 'user-12', {}]])
    expect(logMessages(ctx)).toContain(
      '[Drift] the signedIdentity resolver gave no token: no answer within 50 ms (signedIdentityTimeoutMs)'
    )
  })
})

describe('driftPlugin: page, group, reset', () => {
  it('names pages by name, "category name", then the document title', async () => {
    const { plugin, analytics } = await setup()
    await settle(plugin)
    await analytics.page('Pricing')
    await analytics.page('Docs', 'Install')
    document.title = 'Home | Example'
    await analytics.page()
    await plugin.client?.idle()
    expect(driftCalls()).toEqual([
      ['page', 'Pricing'],
      ['page', 'Docs Install'],
      ['page', 'Home | Example']
    ])
  })

  it('sends no page when trackPages is off', async () => {
    const { plugin, analytics } = await setup({ trackPages: false })
    await settle(plugin)
    await analytics.page('Pricing')
    await analytics.track('Clicked')
    await plugin.client?.idle()
    expect(driftCalls()).toEqual([['track', 'Clicked', {}]])
  })

  it('identifies a known user once on the first page when nobody was identified yet', async () => {
    const { plugin, analytics } = await setup()
    await settle(plugin)
    analytics.user().id('user-13')
    analytics.user().traits({ name: 'Thirteen' })
    await analytics.page('One')
    await analytics.page('Two')
    await plugin.client?.idle()
    expect(driftCalls()).toEqual([
      ['identify', 'user-13', { name: 'Thirteen' }],
      ['page', 'One'],
      ['page', 'Two']
    ])
  })

  it('sends group traits as company attributes once ready', async () => {
    const { plugin, analytics } = await setup()
    await analytics.group('acme-1', { name: 'Acme', plan: 'enterprise', address: { city: 'Lyon' } })
    await settle(plugin)
    expect(driftCalls()).toEqual([
      [
        'api.setUserAttributes',
        { company_name: 'Acme', company_plan: 'enterprise', company_address_city: 'Lyon', company_id: 'acme-1' }
      ]
    ])
  })

  it('refuses a group without a groupId, saying so, and sends nothing', async () => {
    const { plugin, analytics } = await setup()
    await settle(plugin)
    const ctx = await analytics.group({ name: 'No id' })
    await plugin.client?.idle()
    expect(ctx.failedDelivery()?.reason).toEqual(
      expect.objectContaining({ message: '[Drift] group needs a non-blank groupId' })
    )
    expect(driftCalls()).toEqual([])
  })

  it('refuses a group whose numeric groupId is not finite (NaN is no company id), and sends nothing', async () => {
    const { plugin } = await setup()
    await settle(plugin)
    expect(() => plugin.client?.group(NaN, { name: 'Acme' }, () => {})).toThrow(
      '[Drift] group needs a non-blank groupId'
    )
    await plugin.client?.group(42, { name: 'Acme' }, () => {})
    await plugin.client?.idle()
    expect(driftCalls()).toEqual([['api.setUserAttributes', { company_name: 'Acme', company_id: 42 }]])
  })

  it('resets Drift on analytics.reset() and forgets the last identity', async () => {
    const { plugin, analytics } = await setup()
    await settle(plugin)
    await analytics.identify('user-14', { name: 'Fourteen' })
    analytics.reset()
    await analytics.identify('user-14', { name: 'Fourteen' })
    await plugin.client?.idle()
    expect(driftCalls()).toEqual([
      ['identify', 'user-14', { name: 'Fourteen' }],
      ['reset'],
      ['identify', 'user-14', { name: 'Fourteen' }]
    ])
  })
})

describe('driftPlugin: integrations options', () => {
  it('never sends events marked integrations.Drift false, or All false without Drift', async () => {
    const { plugin, analytics } = await setup()
    await settle(plugin)
    await analytics.track('Off', {}, { integrations: { Drift: false } })
    await analytics.track('All off', {}, { integrations: { All: false } })
    await analytics.identify('user-15', {}, { integrations: { Drift: false } })
    await analytics.track('All off but Drift', {}, { integrations: { All: false, Drift: true } })
    await plugin.client?.idle()
    expect(driftCalls()).toEqual([['track', 'All off but Drift', {}]])
  })

  it('checks the integrations itself, not only through analytics-next', async () => {
    const { plugin } = await setup()
    await settle(plugin)
    const ctx = new Context({ type: 'track', event: 'Direct', properties: {}, integrations: { Drift: false } })
    await plugin.track?.(ctx)
    const allOff = new Context({ type: 'track', event: 'Direct', properties: {}, integrations: { All: false } })
    await plugin.track?.(allOff)
    await plugin.client?.idle()
    expect(driftCalls()).toEqual([])
    expect(logMessages(ctx)).toContain('[Drift] not sent: integrations.Drift is false')
  })

  it('reads integrations.Drift null as absent: the catalog name, then All, decide', async () => {
    const { plugin } = await setup()
    await settle(plugin)
    // null is not in analytics-next's type, but an event's JSON can carry it.
    const event = (integrations: Record<string, unknown>) =>
      new Context({ type: 'track', event: 'Direct', properties: {}, integrations: integrations as never })
    const catalogOff = event({ Drift: null, 'Drift Web (Actions)': false })
    const allOff = event({ Drift: null, All: false })
    await plugin.track?.(catalogOff)
    await plugin.track?.(allOff)
    await plugin.track?.(event({ Drift: null }))
    await plugin.client?.idle()
    expect(driftCalls()).toEqual([['track', 'Direct', {}]])
    expect(logMessages(catalogOff)).toContain('[Drift] not sent: integrations.Drift is false')
    expect(logMessages(allOff)).toContain('[Drift] not sent: integrations.Drift is false')
  })
})

describe('driftPlugin: widget events', () => {
  it('forwards widget events into analytics without echoing them into Drift', async () => {
    const record = recorder()
    const { plugin } = await setup(
      { widgetEvents: ['startConversation', 'scheduling:meetingBooked', 'emailCapture'], identifyOnEmailCapture: true },
      [record]
    )
    await settle(plugin)
    sandbox()?.emit('startConversation', { conversationId: 11, inboxId: 22 })
    sandbox()?.emit('scheduling:meetingBooked', { teamMember: 'x' })
    sandbox()?.emit('emailCapture', { data: { email: 'lead@example.com', conversationId: 11 } })
    await waitFor(() => record.events.length === 4, 'the forwarded events')
    await plugin.client?.idle()
    await sleep(30)
    expect(record.events.map((event) => [event.type, event.event ?? event.traits])).toEqual([
      ['track', 'Drift Start Conversation'],
      ['track', 'Drift Scheduling Meeting Booked'],
      ['track', 'Drift Email Capture'],
      ['identify', { email: 'lead@example.com' }]
    ])
    expect(record.events[0].properties).toEqual({ conversationId: 11, inboxId: 22 })
    expect(record.events.every((event) => event.integrations?.Drift === false)).toBe(true)
    // Nothing came back into Drift: only the subscriptions.
    expect(driftCalls()).toEqual([])
    expect(
      sandbox()
        ?.calls.filter((c) => c.method === 'on')
        .map((c) => c.args[0])
    ).toEqual(['ready', 'startConversation', 'scheduling:meetingBooked', 'emailCapture'])
  })

  it('does not identify a captured email unless identifyOnEmailCapture is on', async () => {
    const record = recorder()
    const { plugin } = await setup({ widgetEvents: ['emailCapture'] }, [record])
    await settle(plugin)
    sandbox()?.emit('emailCapture', { data: { email: 'lead@example.com' } })
    await waitFor(() => record.events.length === 1, 'the forwarded event')
    await sleep(30)
    expect(record.events.map((event) => event.type)).toEqual(['track'])
  })
})

describe('driftPlugin: a widget that never loads', () => {
  it('reports a script that fails to load, and later calls fail visibly', async () => {
    // The 404 is held until the first call waits for `ready`: otherwise it races that call (which then fails
    // at once, as a later call does, instead of being held and dropped).
    const release = page.server().hold('missing-widget')
    const plugin = driftPlugin({ embedId: 'missing-widget', scriptOrigin: page.server().origin })
    const [analytics] = await loadAnalytics([plugin])
    const held = await analytics.identify({ plan: 'pro' })
    expect(plugin.client?.status).toBe('loading')
    expect(held.failedDelivery()).toBeUndefined()
    release()
    await waitFor(() => plugin.client?.status === 'failed', 'the failure')
    const message = expect.stringMatching(/^\[Drift\] widget script failed to load: .*missing-widget\.js$/)
    expect(page.error()).toHaveBeenCalledWith(message)
    expect(logMessages(held)).toContainEqual(expect.stringContaining('(held call dropped)'))
    const later = await analytics.track('After the failure')
    expect(later.failedDelivery()?.reason).toEqual(
      expect.objectContaining({ message: expect.stringMatching(/failed to load/) })
    )
    expect(logMessages(later)).toContain('plugin Error')
  })

  it("does not throw out of the site's logout: analytics.reset() after the failure", async () => {
    const plugin = driftPlugin({ embedId: 'missing-widget', scriptOrigin: page.server().origin })
    const [analytics] = await loadAnalytics([plugin])
    await waitFor(() => plugin.client?.status === 'failed', 'the failure')
    expect(() => analytics.reset()).not.toThrow()
    await sleep(10)
    expect(driftCalls()).toEqual([])
  })

  it('reports a widget that is not ready in time, and later calls fail visibly', async () => {
    // Long enough for both calls to be queued first on a loaded machine; the failure is awaited, not slept for.
    const { plugin, analytics } = await setup({ embedId: 'never-ready', readyTimeoutMs: 1000 })
    await analytics.track('Queued on the stub')
    await analytics.group('acme', { name: 'Acme' })
    expect(plugin.client?.status).toBe('loading')
    await waitFor(() => plugin.client?.status === 'failed', 'the readiness timeout', 5000)
    expect(page.error()).toHaveBeenCalledWith('[Drift] widget not ready within readyTimeoutMs (1000 ms)')
    const later = await analytics.identify('user-16', {})
    expect(later.failedDelivery()).toBeDefined()
    expect(driftCalls()).toEqual([['track', 'Queued on the stub', {}]])
  })

  // 102 deliveries, each one turn of analytics-next's queue: on a loaded machine that alone can take seconds, so
  // neither the readiness timeout (not what is tested here) nor the test's time limit may be close to it.
  it('keeps at most 100 calls waiting for ready and warns when full', async () => {
    const { plugin, analytics } = await setup({ embedId: 'never-ready', readyTimeoutMs: 120000 })
    const contexts: Context[] = []
    for (let i = 0; i < 102; i++) contexts.push(await analytics.group(`g${i}`, {}))
    const full = '[Drift] 100 calls are already waiting for the Drift widget; this call was dropped'
    const droppedAt = contexts.flatMap((ctx, i) => (logMessages(ctx).includes(full) ? [i + 1] : []))
    expect(droppedAt).toEqual([101, 102])
    expect(page.warn().mock.calls.filter(([message]) => message === full)).toHaveLength(1)
    expect(plugin.client?.status).toBe('loading')
  }, 60000)
})
