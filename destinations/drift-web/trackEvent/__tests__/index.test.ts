import { loadDestination, presetSubscriptions, ready, useWidgetPage } from '../../__tests__/helpers/destination'
import { driftCalls } from '../../__tests__/helpers/page'

const page = useWidgetPage()
const subscriptions = () => presetSubscriptions().filter((s) => s.partnerAction === 'trackEvent')
const settings = (extra: Record<string, unknown> = {}) => ({
  embedId: 'embed-1',
  scriptOrigin: page.server().origin,
  ...extra
})

describe('Drift.trackEvent', () => {
  it('should send the event with flat properties and dates in milliseconds (the default)', async () => {
    const { analytics, client } = await loadDestination(settings(), subscriptions())
    await ready(client)
    await analytics.track('Order Completed', {
      total: 30,
      products: [{ sku: 'a' }],
      tags: ['x', 'y'],
      shipping: { by: new Date('2024-05-06T07:08:09Z') }
    })
    await client.idle()
    expect(driftCalls()).toEqual([
      ['track', 'Order Completed', { total: 30, products: '[{"sku":"a"}]', tags: 'x,y', shipping_by: 1714979289000 }]
    ])
  })

  it('should use Unix seconds when dateUnit says so', async () => {
    const { analytics, client } = await loadDestination(settings({ dateUnit: 'seconds' }), subscriptions())
    await ready(client)
    await analytics.track('Booked', { at: new Date('2024-05-06T07:08:09.010Z') })
    await client.idle()
    expect(driftCalls()).toEqual([['track', 'Booked', { at: 1714979289 }]])
  })

  it('should refuse an event name that is not a string', async () => {
    const mapping = { event_name: { '@path': '$.properties.meta' } }
    const { analytics, client } = await loadDestination(settings(), [{ ...subscriptions()[0], mapping }])
    await ready(client)
    const ctx = await analytics.track('Anything', { meta: { a: 1 } })
    expect(driftCalls()).toEqual([])
    const failure = ctx.logs().find((log) => log.message === 'plugin Error')
    expect(String((failure?.extras as { error?: unknown })?.error)).toContain('event_name must be a string')
  })
})
