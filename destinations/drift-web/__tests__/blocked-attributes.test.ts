import type { Context } from '@segment/analytics-next'
import { driftCalls, sleep } from './helpers/page'
import { loadReadyPlugin, useWidgetPage } from './helpers/destination'

// Device mode gets blocked attributes from the mapping core (flattenOptionsOf(settings)): with no
// blockedAttributes setting, the default list of secrets is dropped from identify, track and group.

const page = useWidgetPage()

const setup = () => loadReadyPlugin(page)

const logMessages = (ctx: Context) => ctx.logs().map((log) => String(log.message))

describe('driftPlugin: blocked attributes', () => {
  it('drops default secrets from identify, track and group, logging their names, never their values', async () => {
    const { plugin, analytics } = await setup()
    const identified = await analytics.identify('user-1', {
      name: 'Ann',
      password: 'hunter2',
      billing: { card_number: '4111', city: 'Paris' }
    })
    const tracked = await analytics.track('Paid', { total: 12, apiKey: 'sk_live_1', items: [{ sku: 'a', cvv: '1' }] })
    await analytics.group('acme-1', { name: 'Acme', client_secret: 'cs' })
    await plugin.client?.idle()
    await sleep(20)
    expect(driftCalls()).toEqual([
      ['identify', 'user-1', { name: 'Ann', billing_city: 'Paris' }],
      ['track', 'Paid', { total: 12, items: '[{"sku":"a"}]' }],
      ['api.setUserAttributes', { company_name: 'Acme', company_id: 'acme-1' }]
    ])
    expect(logMessages(identified)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/password dropped: blocked by blockedAttributes \("password"\)/),
        expect.stringMatching(/billing\.card_number dropped: blocked by blockedAttributes \("card_number"\)/)
      ])
    )
    expect(logMessages(tracked)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/apiKey dropped: blocked by blockedAttributes \("api_key"\)/),
        expect.stringMatching(/items\[0\]\.cvv dropped: blocked by blockedAttributes \("cvv"\)/)
      ])
    )
    // Our log lines (analytics-next's own debug lines carry the whole event, as they always do).
    const ours = [...logMessages(identified), ...logMessages(tracked)].filter((m) => m.startsWith('[Drift]'))
    expect(ours.length).toBeGreaterThanOrEqual(4)
    expect(ours.join('\n')).not.toMatch(/hunter2|4111|sk_live_1/)
  })
})
