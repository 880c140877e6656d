import { loadDestination, presetSubscriptions, ready, useWidgetPage } from '../../__tests__/helpers/destination'
import { driftCalls } from '../../__tests__/helpers/page'

const page = useWidgetPage()
const subscriptions = () => presetSubscriptions().filter((s) => s.partnerAction === 'identifyCompany')
const settings = () => ({ embedId: 'embed-1', scriptOrigin: page.server().origin })

describe('Drift.identifyCompany', () => {
  it('should send company_id, company_name and company_* attributes once ready', async () => {
    const { analytics, client } = await loadDestination(settings(), subscriptions())
    await analytics.group('acme-1', { name: 'Acme', employees: 40, address: { country: 'FR' } })
    expect(driftCalls()).toEqual([])
    await ready(client)
    expect(driftCalls()).toEqual([
      [
        'api.setUserAttributes',
        { company_name: 'Acme', company_employees: 40, company_address_country: 'FR', company_id: 'acme-1' }
      ]
    ])
  })

  it('should refuse a group without an id', async () => {
    const mapping = { group_id: { '@path': '$.traits.missing' }, traits: { '@path': '$.traits' } }
    const { analytics, client } = await loadDestination(settings(), [{ ...subscriptions()[0], mapping }])
    await ready(client)
    const ctx = await analytics.group('acme-2', { name: 'Acme' })
    expect(driftCalls()).toEqual([])
    const failure = ctx.logs().find((log) => log.message === 'plugin Error')
    expect(String((failure?.extras as { error?: unknown })?.error)).toContain('group_id is required')
  })
})
