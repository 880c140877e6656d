import { PayloadValidationError } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import { contact, scope, freshDrift, knownUser, lookup, settings, setUpNock } from '../../__tests__/helpers'

setUpNock()

function track(overrides: Partial<SegmentEvent> = {}): Partial<SegmentEvent> {
  return {
    type: 'track',
    userId: 'user-1',
    event: 'Order Completed',
    timestamp: '2024-01-01T00:00:00.000Z',
    properties: { total: 42, shipping: { city: 'Lyon' }, when: new Date('2024-01-02T00:00:00Z').toISOString() },
    ...overrides
  }
}

describe('Drift.trackEvent', () => {
  it('should confirm a new user id with one lookup, then post each event by externalId: one request per event', async () => {
    const t = freshDrift()
    knownUser('user-1')
    scope()
      .post('/contacts/timeline', {
        externalId: 'user-1',
        event: 'Order Completed',
        createdAt: 1704067200000,
        attributes: { total: 42, shipping_city: 'Lyon', when: '2024-01-02T00:00:00.000Z' }
      })
      .reply(200, { data: { id: 1 } })
    const responses = await t.testAction('trackEvent', { event: track(), settings, useDefaultMappings: true })
    expect(responses.map((r) => `${r.request.method} ${new URL(r.request.url).pathname}`)).toEqual([
      'GET /contacts',
      'POST /contacts/timeline'
    ])
    // Steady state: the contact is known now, so the next event is one request.
    scope()
      .post('/contacts/timeline', { externalId: 'user-1', event: 'Again', createdAt: 1704067200000 })
      .reply(200, {})
    const next = await t.testAction('trackEvent', {
      event: track({ event: 'Again', properties: {} }),
      settings,
      useDefaultMappings: true
    })
    expect(next).toHaveLength(1)
  })

  it('should omit attributes when there are no properties and use the separator setting', async () => {
    const t = freshDrift()
    knownUser('user-1')
    scope().post('/contacts/timeline', { externalId: 'user-1', event: 'Ping', createdAt: 1704067200000 }).reply(200, {})
    await t.testAction('trackEvent', {
      event: track({ event: 'Ping', properties: {} }),
      settings,
      useDefaultMappings: true
    })
    const t2 = freshDrift()
    knownUser('user-1')
    scope()
      .post('/contacts/timeline', {
        externalId: 'user-1',
        event: 'Ping',
        createdAt: 1704067200000,
        attributes: { 'a.b': 1 }
      })
      .reply(200, {})
    await t2.testAction('trackEvent', {
      event: track({ event: 'Ping', properties: { a: { b: 1 } } }),
      settings: { ...settings, separator: '.' },
      useDefaultMappings: true
    })
  })

  it('should create the contact from context.traits.email when the lookup finds no contact for the user id, then post', async () => {
    const t = freshDrift()
    const body = { externalId: 'user-1', event: 'Order Completed', createdAt: 1704067200000 }
    lookup('user-1', [])
    scope()
      .post('/contacts', { attributes: { email: 'ada@example.com', externalId: 'user-1' } })
      .reply(200, { data: contact(501, { email: 'ada@example.com', externalId: 'user-1' }) })
    scope().post('/contacts/timeline', body).reply(200, {})
    await t.testAction('trackEvent', {
      event: track({ properties: {}, context: { traits: { email: 'ada@example.com' } } }),
      settings,
      useDefaultMappings: true
    })
    expect(t.results[t.results.length - 1].data).toMatchObject({ by: 'externalId', createdContact: true })
  })

  it('should post when creating the contact conflicts (another event created it meanwhile)', async () => {
    const t = freshDrift()
    lookup('user-1', [])
    scope()
      .post('/contacts')
      .reply(409, { error: { message: 'A contact with this externalId already exists' } })
    scope().post('/contacts/timeline').reply(200, {})
    await t.testAction('trackEvent', {
      event: track({ properties: { email: 'ada@example.com' } }),
      settings,
      useDefaultMappings: true
    })
    expect(t.results[t.results.length - 1].data).toMatchObject({ createdContact: false })
  })

  it('should refuse honestly, without posting, when the contact does not exist and the event has no email', async () => {
    const t = freshDrift()
    lookup('user-1', [])
    const attempt = t.testAction('trackEvent', { event: track(), settings, useDefaultMappings: true })
    await expect(attempt).rejects.toThrow(PayloadValidationError)
    await expect(attempt).rejects.toThrow('Drift has no contact with externalId "user-1" yet: send an identify')
  })

  it('should find the contact by email without a user id and post by its exact 64-bit contactId', async () => {
    const t = freshDrift()
    scope()
      .get('/contacts')
      .query({ email: 'ada@example.com' })
      .reply(200, '{"data":[{"id":9007199254740993,"createdAt":1,"attributes":{"email":"ada@example.com"}}]}', {
        'content-type': 'application/json'
      })
    let raw = ''
    scope()
      .post('/contacts/timeline', (body) => {
        return body !== undefined
      })
      .reply(200, function (_uri, _body) {
        raw = (this.req as unknown as { requestBodyBuffers: Buffer[] }).requestBodyBuffers.toString()
        return {}
      })
    await t.testAction('trackEvent', {
      event: track({ userId: undefined, properties: {}, context: { traits: { email: 'ada@example.com' } } }),
      settings,
      useDefaultMappings: true
    })
    expect(t.results[t.results.length - 1].data).toMatchObject({ by: 'contactId', contactId: '9007199254740993' })
    expect(raw).toBe('{"contactId":9007199254740993,"event":"Order Completed","createdAt":1704067200000}')
  })

  it('should use the cached contact id for the next email-only event, and look up again after a 404', async () => {
    const t = freshDrift()
    scope()
      .get('/contacts')
      .query({ email: 'ada@example.com' })
      .reply(200, { data: [contact(7, { email: 'ada@example.com' })] })
    scope().post('/contacts/timeline', { contactId: 7, event: 'A' }).reply(200, {})
    scope().post('/contacts/timeline', { contactId: 7, event: 'B' }).reply(404, {})
    scope()
      .get('/contacts')
      .query({ email: 'ada@example.com' })
      .reply(200, { data: [contact(8, { email: 'ada@example.com' })] })
    scope().post('/contacts/timeline', { contactId: 8, event: 'B' }).reply(200, {})
    for (const name of ['A', 'B']) {
      await t.testAction('trackEvent', {
        event: { type: 'track', event: name, properties: {}, context: { traits: { email: 'ada@example.com' } } },
        mapping: { email: { '@path': '$.context.traits.email' }, event_name: { '@path': '$.event' } },
        settings
      })
    }
  })

  it('should refuse an email-only event whose contact does not exist', async () => {
    const t = freshDrift()
    scope().get('/contacts').query({ email: 'nobody@example.com' }).reply(200, { data: [] })
    await expect(
      t.testAction('trackEvent', {
        event: track({ userId: undefined, context: { traits: { email: 'nobody@example.com' } } }),
        settings,
        useDefaultMappings: true
      })
    ).rejects.toThrow("Drift has no contact with the event's email")
  })

  it('should refuse an event with neither a user id nor an email, without a request', async () => {
    const t = freshDrift()
    await expect(
      t.testAction('trackEvent', { event: track({ userId: undefined }), settings, useDefaultMappings: true })
    ).rejects.toThrow('No way to find the Drift contact: map external_id (the user id) or email')
  })

  it('should refuse a placeholder user id (identity guard) and an invalid timestamp', async () => {
    const t = freshDrift()
    await expect(
      t.testAction('trackEvent', { event: track({ userId: 'undefined' }), settings, useDefaultMappings: true })
    ).rejects.toThrow('external_id refused: userId must not be a placeholder')
    await expect(
      freshDrift().testAction('trackEvent', {
        event: track({ userId: 'shared-demo' }),
        settings: { ...settings, blockedUserIds: ['shared-demo'] },
        useDefaultMappings: true
      })
    ).rejects.toThrow('userId must not be a blocked id')
    for (const timestamp of ['March 5, 2024', 1704067200]) {
      await expect(
        freshDrift().testAction('trackEvent', {
          event: track(),
          mapping: { external_id: 'user-1', event_name: 'X', timestamp },
          settings
        })
      ).rejects.toThrow('timestamp must be an ISO-8601 date-time')
    }
  })

  it('should report one honest entry per event in a batch', async () => {
    const t = freshDrift()
    knownUser('u1')
    lookup('u2', [])
    knownUser('u3')
    scope().post('/contacts/timeline', { externalId: 'u1', event: 'One', createdAt: 1704067200000 }).reply(200, {})
    scope()
      .post('/contacts/timeline', { externalId: 'u3', event: 'Three', createdAt: 1704067200000 })
      .reply(429, { error: { message: 'slow down' } }, { 'retry-after': '12' })
    scope().post('/contacts/timeline', { externalId: 'u1', event: 'Four', createdAt: 1704067200000 }).reply(500, 'oops')
    const events = [
      track({ userId: 'u1', event: 'One', properties: {} }),
      track({ userId: 'u2', event: 'Two', properties: {} }),
      track({ userId: 'u3', event: 'Three', properties: {} }),
      track({ userId: undefined, event: 'No one', properties: {} }),
      track({ userId: 'u1', event: 'Four', properties: {} })
    ] as SegmentEvent[]
    await t.testBatchAction('trackEvent', { events, settings, useDefaultMappings: true })
    const entries = t.results[0].multistatus ?? []
    expect(entries).toHaveLength(5)
    expect(entries[0]).toMatchObject({ status: 200, body: { by: 'externalId', event: 'One' } })
    expect(entries[1]).toMatchObject({ status: 400, errortype: 'PAYLOAD_VALIDATION_FAILED' })
    expect(entries[2]).toMatchObject({
      status: 429,
      errortype: 'RETRYABLE_ERROR',
      errormessage: expect.stringContaining('Retry-After: 12 s'),
      body: { retryAfterMs: 12_000 }
    })
    expect(entries[3]).toMatchObject({ status: 400, errormessage: expect.stringContaining('No way to find') })
    expect(entries[3]).not.toHaveProperty('sent')
    expect(entries[4]).toMatchObject({ status: 500, errortype: 'RETRYABLE_ERROR' })
  })

  it("should keep the order of one user's events within a batch", async () => {
    const t = freshDrift()
    const started = Date.now()
    const arrived: Record<string, number> = {}
    const order: string[] = []
    const record = (_uri: string, body: unknown) => {
      const { event } = body as { event: string }
      arrived[event] = Date.now() - started
      order.push(event)
      return {}
    }
    knownUser('a')
    knownUser('b', 2)
    // a1 is answered 50 ms late: a2 and a3 (same user) must wait for it, b1 (another user) must not.
    scope()
      .post('/contacts/timeline', (body: { event?: string }) => body.event === 'a1')
      .delay(50)
      .reply(200, record)
    scope()
      .post('/contacts/timeline', (body: { event?: string }) => body.event !== 'a1')
      .times(3)
      .reply(200, record)
    const events = ['a1', 'b1', 'a2', 'a3'].map((name) =>
      track({ userId: name[0], event: name, properties: {} })
    ) as SegmentEvent[]
    await t.testBatchAction('trackEvent', { events, settings, useDefaultMappings: true })
    expect(order.filter((e) => e.startsWith('a'))).toEqual(['a1', 'a2', 'a3'])
    expect(order).toContain('b1')
    expect(arrived.a2 - arrived.a1).toBeGreaterThanOrEqual(45)
    expect(arrived.a3).toBeGreaterThanOrEqual(arrived.a2)
    expect(Math.abs(arrived.b1 - arrived.a1)).toBeLessThan(45)
    expect(t.results[0].multistatus?.map((entry) => entry.status)).toEqual([200, 200, 200, 200])
  })
})
