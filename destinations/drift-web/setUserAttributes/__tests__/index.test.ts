import { loadDestination, ready, useWidgetPage } from '../../__tests__/helpers/destination'
import { driftCalls } from '../../__tests__/helpers/page'

const page = useWidgetPage()

const subscription = {
  name: 'Plan changes as attributes',
  partnerAction: 'setUserAttributes',
  enabled: true,
  subscribe: 'type = "track" and event = "Plan Changed"',
  mapping: { attributes: { '@path': '$.properties' }, campaign_source: { '@path': '$.context.campaign.source' } }
}

describe('Drift.setUserAttributes', () => {
  it('should set visitor attributes after ready, once, from a custom mapping', async () => {
    const { analytics, client } = await loadDestination({ embedId: 'embed-1', scriptOrigin: page.server().origin }, [
      subscription
    ])
    await analytics.track('Plan Changed', { plan: 'team', seats: { used: 3 }, renewsAt: new Date('2025-01-01Z') })
    await analytics.track('Something else', { plan: 'x' })
    await ready(client)
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(driftCalls()).toEqual([['api.setUserAttributes', { plan: 'team', seats_used: 3, renewsAt: 1735689600000 }]])
  })

  it('should refuse attributes that are not an object', async () => {
    const mapping = { attributes: { '@path': '$.properties.plan' } }
    const { analytics, client } = await loadDestination({ embedId: 'embed-1', scriptOrigin: page.server().origin }, [
      { ...subscription, mapping }
    ])
    await ready(client)
    const ctx = await analytics.track('Plan Changed', { plan: 'team' })
    expect(driftCalls()).toEqual([])
    const failure = ctx.logs().find((log) => log.message === 'plugin Error')
    expect(String((failure?.extras as { error?: unknown })?.error)).toContain('attributes must be an object')
  })
})
