import type { Analytics, Context } from '@segment/analytics-next'
import type { DeviceSettingsInput } from '../../../shared/settings-rules'
import { driftPlugin, type DriftPlugin } from '../plugin'
import { CONSENT_CHANGED } from '../widget/consent'
import { loadAnalytics } from './helpers/analytics'
import { loadDestination, ready, useWidgetPage } from './helpers/destination'
import { driftCalls, sandbox, sleep, widgetScripts } from './helpers/page'

const page = useWidgetPage()

const DENIED = { Marketing: false, Analytics: true }
const GRANTED = { Marketing: true, Analytics: true }

/** The visitor's choices, stamped on every event as a consent wrapper does (a source middleware, as the docs show). */
let choices: Record<string, boolean> | undefined

function stampConsent(analytics: Analytics): Promise<unknown> {
  return analytics.addSourceMiddleware(({ payload, next }) => {
    if (choices) payload.obj.context = { ...payload.obj.context, consent: { categoryPreferences: { ...choices } } }
    next(payload)
  })
}

let requestsBefore = 0
beforeEach(() => {
  choices = { ...DENIED }
  requestsBefore = page.server().requests.length
})

/** driftPlugin with consentCategories ['Marketing'], in `load({ plugins })` or registered by hand afterwards. */
async function setup(settings: Partial<DeviceSettingsInput> = {}, register: 'load' | 'register' = 'load') {
  const plugin = driftPlugin({
    embedId: 'embed-1',
    scriptOrigin: page.server().origin,
    consentCategories: ['Marketing'],
    ...settings
  })
  const [analytics] = await loadAnalytics(register === 'load' ? [plugin] : [])
  await stampConsent(analytics)
  if (register === 'register') await analytics.register(plugin)
  return { plugin, analytics }
}

/** Requests for the widget script in this test (the server lives for the whole file). */
const widgetRequests = () =>
  page
    .server()
    .requests.slice(requestsBefore)
    .filter((url) => url.startsWith('/include/'))

const settle = (plugin: DriftPlugin) => ready(plugin.client)

/** Nothing of Drift on the page: no stub, no script tag, no request to the widget origin (after time for one). */
async function expectNoWidget(): Promise<void> {
  await sleep(100)
  expect(widgetScripts()).toEqual([])
  expect(widgetRequests()).toEqual([])
  expect((window as { drift?: unknown }).drift).toBeUndefined()
}

const messages = (ctx: Context) => ctx.logs().map((log) => log.message)

describe('driftPlugin: consent', () => {
  it('should request nothing from the widget origin and send nothing while consent is denied', async () => {
    localStorage.setItem('ajs_user_id', JSON.stringify('user-1'))
    const { plugin, analytics } = await setup()
    expect(plugin.isLoaded()).toBe(true)
    const identify = await analytics.identify('user-1', { email: 'ann@example.com' })
    await analytics.track('Before Consent')
    await analytics.page()
    await analytics.group('company-1', { name: 'Acme' })
    await expectNoWidget()
    expect(messages(identify)).toContain('[Drift] not sent: no consent: Marketing false')
  })

  it('should load the widget when consent arrives, the user identified first, nothing from before replayed', async () => {
    const { plugin, analytics } = await setup()
    await analytics.identify('user-2', { email: 'bob@example.com' })
    await analytics.track('Before Consent')
    await expectNoWidget()

    choices = { ...GRANTED }
    await analytics.track(CONSENT_CHANGED)
    expect(widgetScripts()).toHaveLength(1)
    await analytics.track('After Consent', { plan: 'pro' })
    await settle(plugin)

    expect(widgetRequests()).toHaveLength(1)
    expect(sandbox()?.identifiedBeforeLoad).toBe(true)
    const calls = sandbox()?.calls.filter((c) => c.method !== 'on') ?? []
    expect(calls[0]).toMatchObject({
      method: 'identify',
      args: ['user-2', { email: 'bob@example.com' }],
      beforeLoad: true
    })
    // The consent event started the widget but is no visitor action: only what came after reaches Drift.
    expect(driftCalls()).toEqual([
      ['identify', 'user-2', { email: 'bob@example.com' }],
      ['track', 'After Consent', { plan: 'pro' }]
    ])
  })

  it('should identify once when the identify itself is the first event with consent, signed if it carries a token', async () => {
    const { plugin, analytics } = await setup({ requireSignedIdentity: true })
    choices = { ...GRANTED }
    const ctx = await analytics.identify(
      'user-3',
      { plan: 'team' },
      { integrations: { Drift: { userJwt: 'jwt-user-3' } }, context: { campaign: { source: 'news' } as never } }
    )
    await settle(plugin)
    expect(driftCalls()).toEqual([
      ['identify', 'user-3', { plan: 'team', recent_source: 'news' }, { userJwt: 'jwt-user-3' }]
    ])
    expect(sandbox()?.identifiedBeforeLoad).toBe(true)
    expect(messages(ctx)).toContain('[Drift] identify skipped: same user and attributes as the last one sent')
  })

  it('should start once when several events with consent arrive together, in their order', async () => {
    const { plugin, analytics } = await setup()
    choices = { ...GRANTED }
    await Promise.all([analytics.track('One'), analytics.track('Two'), analytics.page('Pricing')])
    await settle(plugin)
    expect(widgetScripts()).toHaveLength(1)
    expect(widgetRequests()).toHaveLength(1)
    expect(driftCalls()).toEqual([
      ['track', 'One', {}],
      ['track', 'Two', {}],
      ['page', 'Pricing']
    ])
  })

  it('should gate a plugin registered by hand after analytics loaded the same way', async () => {
    const { plugin, analytics } = await setup({}, 'register')
    await analytics.track('Denied')
    await expectNoWidget()
    choices = { ...GRANTED }
    await analytics.track('Granted')
    await settle(plugin)
    expect(driftCalls()).toEqual([['track', 'Granted', {}]])
  })

  it('should stop sending after consent is withdrawn, leaving the widget on the page', async () => {
    const { plugin, analytics } = await setup()
    choices = { ...GRANTED }
    await analytics.track('Granted')
    await settle(plugin)
    choices = { ...DENIED }
    const ctx = await analytics.track('Withdrawn')
    await analytics.identify('user-4')
    await plugin.client?.idle()
    expect(driftCalls()).toEqual([['track', 'Granted', {}]])
    expect(messages(ctx)).toContain('[Drift] not sent: no consent: Marketing false')
    expect(widgetScripts()).toHaveLength(1)
  })

  it('should follow consentWhenMissing for events without consent: send by default, skip when told', async () => {
    choices = undefined
    const skipping = await setup({ consentWhenMissing: 'skip' })
    const ctx = await skipping.analytics.track('No Consent')
    await expectNoWidget()
    expect(messages(ctx)).toContain('[Drift] not sent: no consent: context.consent.categoryPreferences missing')

    const sending = await setup()
    await sending.analytics.track('No Consent')
    await settle(sending.plugin)
    expect(driftCalls()).toEqual([['track', 'No Consent', {}]])
  })

  it('should not gate at all without consentCategories (the default)', async () => {
    const plugin = driftPlugin({ embedId: 'embed-1', scriptOrigin: page.server().origin })
    const [analytics] = await loadAnalytics([plugin])
    await stampConsent(analytics)
    expect(widgetScripts()).toHaveLength(1)
    await analytics.track('Denied But Ungated')
    await settle(plugin)
    expect(driftCalls()).toEqual([['track', 'Denied But Ungated', {}]])
  })

  it('should refuse invalid consent settings naming the setting and the rule once', async () => {
    const [analytics] = await loadAnalytics([])
    const bad = (settings: Record<string, unknown>) =>
      driftPlugin({ embedId: 'embed-1', ...settings } as DeviceSettingsInput).load(
        { log: () => {} } as unknown as Context,
        analytics
      )
    await expect(bad({ consentCategories: ['Marketing', ' '] })).rejects.toThrow(
      'Invalid Drift settings: consentCategories[1] must be a string, not blank and without spaces around it'
    )
    await expect(bad({ consentCategories: 'Marketing' })).rejects.toThrow(
      /Invalid Drift settings: consentCategories must be a list of strings$/
    )
    await expect(bad({ consentWhenMissing: 'drop' })).rejects.toThrow(
      'Invalid Drift settings: consentWhenMissing must be "send" or "skip"'
    )
    await expect(bad({ blockedAttributes: ['*'] })).rejects.toThrow(
      'Invalid Drift settings: blockedAttributes[0] must be a string, not blank and without spaces around it, at most 200 characters and not only *'
    )
    expect(widgetScripts()).toEqual([])
  })
})

describe('Drift Web (Actions): consent', () => {
  it('should not load the widget in initialize, then load it with the first event granted, identity first', async () => {
    localStorage.setItem('ajs_user_id', JSON.stringify('user-5'))
    localStorage.setItem('ajs_user_traits', JSON.stringify({ name: 'Eve' }))
    const { analytics, client } = await loadDestination({
      embedId: 'embed-1',
      scriptOrigin: page.server().origin,
      consentCategories: ['Marketing']
    })
    await stampConsent(analytics)
    await analytics.track('Denied')
    await analytics.page('Denied Page')
    await expectNoWidget()

    choices = { ...GRANTED }
    await analytics.track('Granted')
    await ready(client)
    const calls = sandbox()?.calls.filter((c) => c.method !== 'on') ?? []
    expect(calls[0]).toMatchObject({ method: 'identify', args: ['user-5', { name: 'Eve' }], beforeLoad: true })
    expect(driftCalls()).toEqual([
      ['identify', 'user-5', { name: 'Eve' }],
      ['track', 'Granted', {}]
    ])
  })
})
