import { loadDestination, presetSubscriptions, ready, useWidgetPage } from '../../__tests__/helpers/destination'
import { driftCalls } from '../../__tests__/helpers/page'

const page = useWidgetPage()
const subscriptions = () => presetSubscriptions().filter((s) => s.partnerAction === 'trackPage')
const settings = () => ({ embedId: 'embed-1', scriptOrigin: page.server().origin })

describe('Drift.trackPage', () => {
  it('should name the page by name, "category name", then the title', async () => {
    const { analytics, client } = await loadDestination(settings(), subscriptions())
    await ready(client)
    await analytics.page('Pricing')
    await analytics.page('Docs', 'Install')
    await analytics.page({ title: 'Given title' })
    await client.idle()
    expect(driftCalls()).toEqual([
      ['page', 'Pricing'],
      ['page', 'Docs Install'],
      ['page', 'Given title']
    ])
  })

  it('should identify a known user once on the first page when nobody was identified yet', async () => {
    const { analytics, client } = await loadDestination(settings(), subscriptions())
    await ready(client)
    analytics.user().id('user-1')
    analytics.user().traits({ name: 'Ann' })
    await analytics.page('One')
    await analytics.page('Two')
    await client.idle()
    expect(driftCalls()).toEqual([
      ['identify', 'user-1', { name: 'Ann' }],
      ['page', 'One'],
      ['page', 'Two']
    ])
  })

  it('should give that first identify recent_source from the campaign, as the plugin does', async () => {
    const { analytics, client } = await loadDestination(settings(), subscriptions())
    await ready(client)
    analytics.user().id('user-2')
    analytics.user().traits({ name: 'Bo' })
    await analytics.page('One', {}, { context: { campaign: { source: 'newsletter' } } })
    await client.idle()
    expect(driftCalls()).toEqual([
      ['identify', 'user-2', { name: 'Bo', recent_source: 'newsletter' }],
      ['page', 'One']
    ])
  })
})
