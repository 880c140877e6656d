import nock from 'nock'
import type { SegmentEvent } from '@segment/actions-core'
import definition from '..'
import { consentSkipOf } from '../consent'
import { parseCloudSettings } from '../../../shared'
import { TOKEN, afterTest, freshDrift as fresh, knownUser, scope as api, setUpNock } from './helpers'

// Consent gating and blocked attributes in cloud mode, against nock: what reaches Drift, and what each action
// reports.

const PREFS = 'context.consent.categoryPreferences'
const gated = { apiToken: TOKEN, consentCategories: ['Marketing'], accountOwnerId: '21' }

setUpNock()

/** Every request nock sees, to prove that a skipped event made none. */
function recordRequests(): string[] {
  const seen: string[] = []
  const listener = (req: { method?: string; path?: string }) => seen.push(`${req.method} ${req.path}`)
  nock.emitter.on('no match', listener)
  afterTest(() => nock.emitter.removeListener('no match', listener))
  return seen
}

const withConsent = (categoryPreferences: unknown) => ({ context: { consent: { categoryPreferences } } })
const granted = withConsent({ Marketing: true, Analytics: false })
const denied = withConsent({ Marketing: false, Analytics: true })
const missing = {}

function track(extra: object = {}): Partial<SegmentEvent> {
  return {
    type: 'track',
    userId: 'u-1',
    event: 'Signed Up',
    timestamp: '2024-01-01T00:00:00.000Z',
    properties: { plan: 'pro' },
    ...extra
  }
}

/** Drift knows u-1 (the timeline's one lookup) and takes one timeline event. */
function expectTimelinePost(body: object = { externalId: 'u-1', event: 'Signed Up' }) {
  knownUser('u-1')
  return api()
    .post('/contacts/timeline', (posted) => Object.entries(body).every(([k, v]) => posted[k] === v))
    .reply(200, { data: { id: 5 } })
}

const bodyOf = (response: { options: { body?: unknown; json?: unknown } }) =>
  (response.options.json ?? JSON.parse(response.options.body as string)) as { attributes?: unknown }

const lastData = (t: ReturnType<typeof fresh>) => t.results[t.results.length - 1]?.data

describe('Drift.consent (cloud)', () => {
  it('should send an event whose preferences grant every listed category', async () => {
    const t = fresh()
    expectTimelinePost()
    const responses = await t.testAction('trackEvent', {
      event: track(granted),
      settings: gated,
      useDefaultMappings: true
    })
    expect(responses.map((r) => `${r.request.method} ${new URL(r.request.url).pathname}`)).toEqual([
      'GET /contacts',
      'POST /contacts/timeline'
    ])
    expect(lastData(t)).toMatchObject({ event: 'Signed Up', by: 'externalId' })
  })

  it('should skip a denied event with the reason and no request, for every action', async () => {
    const seen = recordRequests()
    const events: Array<[string, Partial<SegmentEvent>]> = [
      ['trackEvent', track(denied)],
      ['trackPage', { type: 'page', userId: 'u-1', name: 'Pricing', ...denied }],
      ['upsertContact', { type: 'identify', userId: 'u-1', traits: { email: 'ada@example.com' }, ...denied }],
      ['upsertAccount', { type: 'group', userId: 'u-1', groupId: 'g', traits: { website: 'acme.com' }, ...denied }]
    ]
    for (const [action, event] of events) {
      const t = fresh()
      const responses = await t.testAction(action, { event, settings: gated, useDefaultMappings: true })
      expect(responses).toEqual([])
      expect(lastData(t)).toEqual({
        skipped: 'no consent',
        reason: 'no consent: Marketing false'
      })
    }
    expect(seen).toEqual([])
  })

  it('should send events without consent by default and skip them with consentWhenMissing "skip"', async () => {
    const t = fresh()
    expectTimelinePost()
    await t.testAction('trackEvent', { event: track(missing), settings: gated, useDefaultMappings: true })
    expect(lastData(t)).toMatchObject({ by: 'externalId' })

    const skipping = fresh()
    const responses = await skipping.testAction('trackEvent', {
      event: track(missing),
      settings: { ...gated, consentWhenMissing: 'skip' },
      useDefaultMappings: true
    })
    expect(responses).toEqual([])
    expect(lastData(skipping)).toEqual({
      skipped: 'no consent',
      reason: `no consent: ${PREFS} missing`
    })
  })

  it('should send everything when no category is listed (the default), whatever the consent says', async () => {
    const t = fresh()
    expectTimelinePost()
    await t.testAction('trackEvent', {
      event: track(denied),
      settings: { apiToken: TOKEN, consentWhenMissing: 'skip' },
      useDefaultMappings: true
    })
    expect(lastData(t)).toMatchObject({ by: 'externalId' })
  })

  it('should answer a batch with a success entry carrying the skip body for each event without consent', async () => {
    const t = fresh()
    expectTimelinePost({ externalId: 'u-1', event: 'Granted' })
    api()
      .post('/contacts/timeline', (posted) => posted.event === 'Missing')
      .reply(200, {})
    const events = [
      track({ event: 'Denied', ...denied }),
      track({ event: 'Granted', ...granted }),
      track({ event: 'Not an object', ...withConsent('yes') }),
      track({ event: 'Missing' })
    ] as SegmentEvent[]
    await t.testBatchAction('trackEvent', { events, settings: gated, useDefaultMappings: true })
    const entries = t.results[0].multistatus ?? []
    expect(entries).toHaveLength(4)
    expect(entries[0]).toMatchObject({
      status: 200,
      body: { skipped: 'no consent', reason: 'no consent: Marketing false' }
    })
    expect(entries[1]).toMatchObject({ status: 200, body: { event: 'Granted', by: 'externalId' } })
    expect(entries[2]).toMatchObject({
      status: 200,
      body: { skipped: 'no consent', reason: 'no consent: context.consent invalid' }
    })
    expect(entries[3]).toMatchObject({ status: 200, body: { event: 'Missing' } })

    // With "skip", the event without consent is skipped too; a batch of skips alone makes no request.
    const skipping = fresh()
    const responses = await skipping.testBatchAction('trackEvent', {
      events: [events[0], events[3]],
      settings: { ...gated, consentWhenMissing: 'skip' },
      useDefaultMappings: true
    })
    expect(responses).toEqual([])
    expect(skipping.results[0].multistatus?.map((entry) => [entry.status, (entry as { body?: unknown }).body])).toEqual(
      [
        [200, { skipped: 'no consent', reason: 'no consent: Marketing false' }],
        [
          200,
          {
            skipped: 'no consent',
            reason: `no consent: ${PREFS} missing`
          }
        ]
      ]
    )
  })

  it('should skip identify batches per event, merging only the granted ones', async () => {
    const t = fresh()
    knownUser('u-1', 11)
    api()
      .patch('/contacts/11', { attributes: { email: 'ada@example.com', plan: 'pro' } })
      .reply(200, {})
    const events = [
      { type: 'identify', userId: 'u-1', traits: { email: 'ada@example.com', plan: 'free' }, ...denied },
      { type: 'identify', userId: 'u-1', traits: { email: 'ada@example.com', plan: 'pro' }, ...granted }
    ] as SegmentEvent[]
    await t.testBatchAction('upsertContact', { events, settings: gated, useDefaultMappings: true })
    const entries = t.results[0].multistatus ?? []
    expect(entries.map((entry) => entry.status)).toEqual([200, 200])
    expect(entries[0]).toMatchObject({ body: { skipped: 'no consent' } })
    expect(entries[1]).toMatchObject({ body: { mergedEvents: 1 } })
  })

  it('should refuse bad consent settings naming the setting and the entry', async () => {
    const t = fresh()
    await expect(
      t.testAction('trackEvent', {
        event: track(granted),
        settings: { apiToken: TOKEN, consentCategories: ['Marketing', ' Ads'] },
        useDefaultMappings: true
      })
    ).rejects.toThrow('consentCategories[1] must be a string, not blank and without spaces around it')
    expect(() => parseCloudSettings({ apiToken: TOKEN, consentWhenMissing: 'drop' })).toThrow(
      'consentWhenMissing must be "send" or "skip"'
    )
    expect(() => parseCloudSettings({ apiToken: TOKEN, blockedAttributes: 'password' })).toThrow(
      'blockedAttributes must be a list of strings (at most 200)'
    )
    expect(() => parseCloudSettings({ apiToken: TOKEN, blockedAttributes: ['ok', '**'] })).toThrow(
      'blockedAttributes[1] must be a string, not blank and without spaces around it, at most 200 characters and not only *'
    )
  })

  it('should read the consent object as the hidden field gives it', () => {
    const s = parseCloudSettings(gated)
    expect(consentSkipOf({ categoryPreferences: { Marketing: true } }, s)).toBeUndefined()
    expect(consentSkipOf(undefined, s)).toBeUndefined()
    expect(consentSkipOf(undefined, { ...s, consentWhenMissing: 'skip' })).toMatchObject({ skipped: 'no consent' })
    expect(consentSkipOf({ categoryPreferences: { Marketing: 'true' } }, s)).toEqual({
      skipped: 'no consent',
      reason: 'no consent: Marketing invalid'
    })
    const field = definition.actions.trackEvent.fields.consent
    expect(field).toMatchObject({ unsafe_hidden: true, default: { '@path': '$.context.consent' } })
  })
})

describe('Drift.blockedAttributes (cloud)', () => {
  const secrets = { password: 'hunter2', billing: { card_number: '4111 1111 1111 1111', city: 'Paris' }, apiKey: 'sk' }

  it('should drop blocked traits from identify with warnings naming them, never their values', async () => {
    const t = fresh()
    knownUser('u-1', 11)
    api()
      .patch('/contacts/11', { attributes: { email: 'ada@example.com', billing_city: 'Paris' } })
      .reply(200, {})
    await t.testAction('upsertContact', {
      event: { type: 'identify', userId: 'u-1', traits: { email: 'ada@example.com', ...secrets } },
      settings: { apiToken: TOKEN },
      useDefaultMappings: true
    })
    const warnings = (lastData(t) as { warnings: string[] }).warnings
    expect(warnings).toEqual([
      'password: dropped, blocked by blockedAttributes ("password")',
      'billing.card_number: dropped, blocked by blockedAttributes ("card_number")',
      'apiKey: dropped, blocked by blockedAttributes ("api_key")'
    ])
    expect(JSON.stringify(t.results)).not.toMatch(/hunter2|4111|"sk"/)
  })

  it('should drop blocked properties from track, including keys inside arrays sent as JSON', async () => {
    const t = fresh()
    expectTimelinePost()
    const responses = await t.testAction('trackEvent', {
      event: track({ properties: { plan: 'pro', auth_token: 'tok', users: [{ name: 'a', password: 'p' }] } }),
      settings: { apiToken: TOKEN },
      useDefaultMappings: true
    })
    const sent = bodyOf(responses[1])
    expect(sent.attributes).toEqual({ plan: 'pro', users: '[{"name":"a"}]' })
    expect((lastData(t) as { warnings: string[] }).warnings).toEqual([
      'auth_token: dropped, blocked by blockedAttributes ("token")',
      'users[0].password: dropped, blocked by blockedAttributes ("password")',
      'users: changed, array holding objects sent as one JSON string'
    ])
  })

  it('should drop blocked group traits from the account custom properties', async () => {
    const t = fresh()
    api()
      .post('/accounts/create', {
        ownerId: 21,
        domain: 'acme.com',
        name: 'Acme',
        customProperties: [{ name: 'billing_city', label: 'billing_city', value: 'Paris', type: 'STRING' }]
      })
      .reply(200, { data: { accountId: '7_acme.com' } })
    await t.testAction('upsertAccount', {
      event: { type: 'group', userId: 'u-1', groupId: 'g', traits: { name: 'Acme', website: 'acme.com', ...secrets } },
      settings: { apiToken: TOKEN, accountOwnerId: '21' },
      useDefaultMappings: true
    })
    expect((lastData(t) as { warnings: string[] }).warnings).toHaveLength(3)
  })

  it('should take a replaced list, and send everything with an empty one', async () => {
    const t = fresh()
    expectTimelinePost()
    const replaced = await t.testAction('trackEvent', {
      event: track({ properties: { plan: 'pro', password: 'p', internal_note: 'n' } }),
      settings: { apiToken: TOKEN, blockedAttributes: ['internal_*'] },
      useDefaultMappings: true
    })
    expect(bodyOf(replaced[1]).attributes).toEqual({ plan: 'pro', password: 'p' })

    const off = fresh()
    expectTimelinePost()
    const all = await off.testAction('trackEvent', {
      event: track({ properties: { plan: 'pro', password: 'p' } }),
      settings: { apiToken: TOKEN, blockedAttributes: [] },
      useDefaultMappings: true
    })
    expect(bodyOf(all[1]).attributes).toEqual({ plan: 'pro', password: 'p' })
  })
})
