import { loadDestination, presetSubscriptions, ready, useWidgetPage } from '../../__tests__/helpers/destination'
import { driftCalls, sandbox } from '../../__tests__/helpers/page'

const page = useWidgetPage()
const subscriptions = () => presetSubscriptions().filter((s) => s.partnerAction === 'identifyUser')
const settings = (extra: Record<string, unknown> = {}) => ({
  embedId: 'embed-1',
  scriptOrigin: page.server().origin,
  ...extra
})

describe('Drift.identifyUser', () => {
  it("should identify the user with flat traits, Drift names and start_date in ms (Drift's unit)", async () => {
    const { analytics, client } = await loadDestination(settings(), subscriptions())
    await ready(client)
    const traits: Record<string, unknown> = {
      id: 'user-1',
      firstName: 'Ann',
      createdAt: new Date('2024-03-04T05:06:07Z'),
      company: { name: 'Acme', size: 12 }
    }
    await analytics.identify('user-1', traits, { context: { campaign: { source: 'ads', name: 'n', medium: 'm' } } })
    await client.idle()
    expect(driftCalls()).toEqual([
      [
        'identify',
        'user-1',
        { first_name: 'Ann', start_date: 1709528767000, company_name: 'Acme', company_size: 12, recent_source: 'ads' }
      ]
    ])
  })

  it('should send visitor attributes once ready when there is no user id', async () => {
    const { analytics, client } = await loadDestination(settings(), subscriptions())
    await analytics.identify({ plan: 'free' })
    expect(driftCalls()).toEqual([])
    await ready(client)
    expect(driftCalls()).toEqual([['api.setUserAttributes', { plan: 'free' }]])
  })

  it('should pass the signed identity from the default mapping and from integrations.Drift', async () => {
    const { analytics, client } = await loadDestination(
      settings({ embedId: 'signed-only', requireSignedIdentity: true }),
      subscriptions()
    )
    await ready(client)
    await analytics.identify('user-2', {}, { integrations: { Drift: { userJwt: 'jwt-2' } } })
    await analytics.identify('user-3', {}, { integrations: { Drift: { signedIdentity: 'jwt-3' } } })
    await analytics.identify('user-4', {})
    await client.idle()
    expect(driftCalls()).toEqual([
      ['identify', 'user-2', {}, { userJwt: 'jwt-2' }],
      ['reset'],
      ['identify', 'user-3', {}, { userJwt: 'jwt-3' }]
    ])
    expect(sandbox()?.calls.some((call) => call.ignored)).toBe(false)
    expect(console.warn).toHaveBeenCalledTimes(1)
  })

  it('should send the token the user_jwt field is mapped to, and refuse one that is not a string', async () => {
    const mapping = {
      user_id: { '@path': '$.userId' },
      traits: { '@path': '$.traits' },
      user_jwt: { '@path': '$.context.session.driftToken' }
    }
    const { analytics, client } = await loadDestination(settings(), [{ ...subscriptions()[0], mapping }])
    await ready(client)
    await analytics.identify('user-7', {}, { context: { session: { driftToken: 'mapped-jwt-7' } } })
    const refused = await analytics.identify('user-8', {}, { context: { session: { driftToken: { t: 1 } } } })
    await client.idle()
    expect(driftCalls()).toEqual([['identify', 'user-7', {}, { userJwt: 'mapped-jwt-7' }]])
    const failure = refused.logs().find((log) => log.message === 'plugin Error')
    expect(String((failure?.extras as { error?: unknown })?.error)).toContain('user_jwt must be a string')
  })

  it('should ask the signedIdentity resolver given in the settings', async () => {
    const resolver = jest.fn((userId: string) => Promise.resolve(`signed-${userId}`))
    const { analytics, client } = await loadDestination(settings({ signedIdentity: resolver }), subscriptions())
    await ready(client)
    await analytics.identify('user-5', { a: 1 })
    await client.idle()
    expect(driftCalls()).toEqual([['identify', 'user-5', { a: 1 }, { userJwt: 'signed-user-5' }]])
  })

  it('should refuse a mapped user id that is not a string', async () => {
    const mapping = { user_id: { '@path': '$.traits.account' }, traits: { '@path': '$.traits' } }
    const { analytics, client } = await loadDestination(settings(), [{ ...subscriptions()[0], mapping }])
    await ready(client)
    const ctx = await analytics.identify('user-6', { account: { id: 1 } })
    await client.idle()
    expect(driftCalls()).toEqual([])
    const failure = ctx.logs().find((log) => log.message === 'plugin Error')
    expect(String((failure?.extras as { error?: unknown })?.error)).toContain('user_id must be a string')
  })
})
