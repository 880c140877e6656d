import type { SegmentEvent } from '@segment/actions-core'
import { pageEventName } from '..'
import { scope, freshDrift, knownUser, settings, setUpNock } from '../../__tests__/helpers'

setUpNock()

function page(overrides: Partial<SegmentEvent> = {}): Partial<SegmentEvent> {
  return {
    type: 'page',
    userId: 'user-1',
    name: 'Pricing',
    timestamp: '2024-01-01T00:00:00.000Z',
    properties: {
      path: '/pricing',
      url: 'https://example.com/pricing?plan=pro',
      title: 'Pricing - Example',
      referrer: 'https://google.com/',
      search: '?plan=pro'
    },
    ...overrides
  }
}

describe('Drift.trackPage', () => {
  it('should post a "Page - <name>" timeline event with url, path, title and referrer', async () => {
    const t = freshDrift()
    knownUser('user-1')
    scope()
      .post('/contacts/timeline', {
        externalId: 'user-1',
        event: 'Page - Pricing',
        createdAt: 1704067200000,
        attributes: {
          path: '/pricing',
          url: 'https://example.com/pricing?plan=pro',
          title: 'Pricing - Example',
          referrer: 'https://google.com/',
          search: '?plan=pro'
        }
      })
      .reply(200, {})
    await t.testAction('trackPage', { event: page(), settings, useDefaultMappings: true })
  })

  it('should fall back to the path, taken from context.page when the properties lack it', async () => {
    const t = freshDrift()
    knownUser('user-1')
    scope()
      .post('/contacts/timeline', {
        externalId: 'user-1',
        event: 'Page - /docs',
        createdAt: 1704067200000,
        attributes: { path: '/docs', url: 'https://example.com/docs' }
      })
      .reply(200, {})
    await t.testAction('trackPage', {
      event: page({
        name: undefined,
        properties: {},
        context: { page: { path: '/docs', url: 'https://example.com/docs' } }
      }),
      settings,
      useDefaultMappings: true
    })
  })

  it('should name the event by the documented rule', () => {
    expect(pageEventName('Home', '/')).toBe('Page - Home')
    expect(pageEventName(' ', '/docs')).toBe('Page - /docs')
    expect(pageEventName(undefined, undefined)).toBe('Page')
  })

  it('should report one entry per page view in a batch', async () => {
    const t = freshDrift()
    knownUser('a')
    knownUser('b', 2)
    scope().post('/contacts/timeline').reply(200, {})
    scope()
      .post('/contacts/timeline')
      .reply(403, { error: { message: 'This request needs the contact_write scope' } })
    await t.testBatchAction('trackPage', {
      events: [page({ userId: 'a' }), page({ userId: 'b' })] as SegmentEvent[],
      settings,
      useDefaultMappings: true
    })
    const entries = t.results[0].multistatus ?? []
    expect(entries.map((e) => e.status).sort()).toEqual([200, 403])
    expect(entries.find((e) => e.status === 403)).toMatchObject({
      errormessage: expect.stringContaining('the token lacks the contact_write scope')
    })
  })
})
