import { PayloadValidationError, RetryableError } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import { BATCH_CONCURRENCY, onDriftRequest } from '../..'
import { afterTest, contact, scope, freshDrift, settings, setUpNock } from '../../__tests__/helpers'

setUpNock()

function identify(overrides: Partial<SegmentEvent> = {}): Partial<SegmentEvent> {
  return {
    type: 'identify',
    userId: 'user-1',
    traits: { email: 'ada@example.com', firstName: 'Ada', plan: 'pro' },
    ...overrides
  }
}

const byExternalId = (id: string) => ({ idType: 'external', id })
const lastData = (t: ReturnType<typeof freshDrift>) => t.results[t.results.length - 1].data

describe('Drift.upsertContact', () => {
  it('should map traits through the mapping core: renames, dates, recent_source, flattening, no id', async () => {
    const t = freshDrift()
    scope()
      .get('/contacts')
      .query(byExternalId('user-1'))
      .reply(200, { data: [contact(11, { externalId: 'user-1' })] })
    scope()
      .patch('/contacts/11', {
        attributes: {
          email: 'ada@example.com',
          name: 'Ada Lovelace',
          first_name: 'Ada',
          last_name: 'Lovelace',
          phone: '123',
          start_date: 1704067200000,
          recent_source: 'newsletter',
          plan: 'pro',
          address_city: 'London',
          tags: 'a,b'
        }
      })
      .reply(200, { data: contact(11) })
    await t.testAction('upsertContact', {
      event: identify({
        traits: {
          id: 'user-1',
          email: 'ada@example.com',
          name: 'Ada Lovelace',
          firstName: 'Ada',
          lastName: 'Lovelace',
          phone: 123,
          createdAt: '2024-01-01T00:00:00Z',
          plan: 'pro',
          address: { city: 'London' },
          tags: ['a', 'b'],
          externalId: 'someone-else'
        },
        context: {
          campaign: { source: 'newsletter' } as {
            name: string
            term: string
            source: string
            medium: string
            content: string
          }
        }
      }),
      settings,
      useDefaultMappings: true
    })
    expect(lastData(t)).toMatchObject({
      contactId: '11',
      action: 'updated',
      warnings: expect.arrayContaining([expect.stringContaining('externalId: dropped')])
    })
  })

  it.each(['seconds', 'milliseconds'] as const)(
    'should send start_date in milliseconds, and custom dates in the dateUnit setting (%s)',
    async (dateUnit) => {
      const t = freshDrift()
      scope()
        .get('/contacts')
        .query(byExternalId('user-1'))
        .reply(200, { data: [contact(11)] })
      scope()
        .patch('/contacts/11', {
          attributes: { start_date: 1704067200000, renewed: dateUnit === 'seconds' ? 1704067200 : 1704067200000 }
        })
        .reply(200, {})
      await t.testAction('upsertContact', {
        event: identify({
          traits: { createdAt: '2024-01-01T00:00:00Z', renewed: new Date('2024-01-01T00:00:00Z') as unknown as string }
        }),
        settings: { ...settings, dateUnit },
        useDefaultMappings: true
      })
    }
  )

  it('should cost one PATCH per identify once the contact id is cached', async () => {
    const t = freshDrift()
    const routes: string[] = []
    const stop = onDriftRequest((request) => routes.push(request.route))
    afterTest(stop)
    scope()
      .get('/contacts')
      .query(byExternalId('user-1'))
      .once()
      .reply(200, { data: [contact(11)] })
    scope()
      .patch('/contacts/11', { attributes: { email: 'ada@example.com', first_name: 'Ada', plan: 'pro' } })
      .reply(200, {})
    scope()
      .patch('/contacts/11', { attributes: { plan: 'team' } })
      .reply(200, {})
    await t.testAction('upsertContact', { event: identify(), settings, useDefaultMappings: true })
    await t.testAction('upsertContact', {
      event: identify({ traits: { plan: 'team' } }),
      settings,
      useDefaultMappings: true
    })
    expect(routes).toEqual(['GET /contacts', 'PATCH /contacts/:id', 'PATCH /contacts/:id'])
  })

  it('should evict a cached id that Drift answers 404 for, look the user up again and patch the new contact', async () => {
    const t = freshDrift()
    scope()
      .get('/contacts')
      .query(byExternalId('user-1'))
      .reply(200, { data: [contact(11)] })
    scope().patch('/contacts/11').reply(200, {})
    scope()
      .patch('/contacts/11')
      .reply(404, { error: { message: 'No contact with id 11' } })
    scope()
      .get('/contacts')
      .query(byExternalId('user-1'))
      .reply(200, { data: [contact(12)] })
    scope()
      .patch('/contacts/12', { attributes: { plan: 'team' } })
      .reply(200, {})
    await t.testAction('upsertContact', { event: identify(), settings, useDefaultMappings: true })
    await t.testAction('upsertContact', {
      event: identify({ traits: { plan: 'team' } }),
      settings,
      useDefaultMappings: true
    })
    expect(lastData(t)).toMatchObject({ contactId: '12', action: 'updated' })
  })

  it('should create a missing contact after an evicted id is gone for good', async () => {
    const t = freshDrift()
    scope()
      .get('/contacts')
      .query(byExternalId('user-1'))
      .reply(200, { data: [contact(11)] })
    scope().patch('/contacts/11').reply(200, {})
    scope().patch('/contacts/11').reply(404, {})
    scope().get('/contacts').query(byExternalId('user-1')).reply(200, { data: [] })
    scope()
      .post('/contacts', {
        attributes: { email: 'ada@example.com', first_name: 'Ada', plan: 'team', externalId: 'user-1' }
      })
      .reply(200, { data: contact(13) })
    const team = identify({ traits: { email: 'ada@example.com', firstName: 'Ada', plan: 'team' } })
    await t.testAction('upsertContact', { event: identify(), settings, useDefaultMappings: true })
    await t.testAction('upsertContact', { event: team, settings, useDefaultMappings: true })
    expect(lastData(t)).toMatchObject({ contactId: '13', action: 'created' })
  })

  it('should create the contact with externalId and email when none exists, and cache its id', async () => {
    const t = freshDrift()
    scope().get('/contacts').query(byExternalId('user-1')).reply(200, { data: [] })
    scope()
      .post('/contacts', {
        attributes: { email: 'ada@example.com', first_name: 'Ada', plan: 'pro', externalId: 'user-1' }
      })
      .reply(200, '{"data":{"id":18446744073709551615,"createdAt":1,"attributes":{}}}', {
        'content-type': 'application/json'
      })
    scope()
      .patch('/contacts/18446744073709551615', { attributes: { plan: 'team' } })
      .reply(200, {})
    await t.testAction('upsertContact', { event: identify(), settings, useDefaultMappings: true })
    expect(lastData(t)).toMatchObject({ contactId: '18446744073709551615', action: 'created' })
    await t.testAction('upsertContact', {
      event: identify({ traits: { plan: 'team' } }),
      settings,
      useDefaultMappings: true
    })
  })

  it('should say Drift needs an email when the contact does not exist and the event has none', async () => {
    const t = freshDrift()
    scope().get('/contacts').query(byExternalId('user-1')).reply(200, { data: [] })
    const attempt = t.testAction('upsertContact', {
      event: identify({ traits: { plan: 'pro' } }),
      settings,
      useDefaultMappings: true
    })
    await expect(attempt).rejects.toThrow(PayloadValidationError)
    await expect(attempt).rejects.toThrow('Drift needs an email to create a contact')
  })

  it('should update the existing contact when creating conflicts (409)', async () => {
    const t = freshDrift()
    scope().get('/contacts').query(byExternalId('user-1')).reply(200, { data: [] })
    scope()
      .post('/contacts')
      .reply(409, { error: { message: 'A contact with this externalId already exists' } })
    scope()
      .get('/contacts')
      .query(byExternalId('user-1'))
      .reply(200, { data: [contact(21)] })
    scope().patch('/contacts/21').reply(200, {})
    await t.testAction('upsertContact', { event: identify(), settings, useDefaultMappings: true })
    expect(lastData(t)).toMatchObject({ contactId: '21', action: 'updated' })
  })

  it("should report a duplicate it cannot find yet as retryable, with Drift's message", async () => {
    const t = freshDrift()
    scope().get('/contacts').query({ email: 'ada@example.com' }).reply(200, { data: [] })
    scope()
      .post('/contacts', { attributes: { email: 'ada@example.com', plan: 'pro' } })
      .reply(409, { message: 'email taken' })
    scope().get('/contacts').query({ email: 'ada@example.com' }).reply(200, { data: [] })
    const attempt = t.testAction('upsertContact', {
      event: identify({ userId: undefined, traits: { email: 'ada@example.com', plan: 'pro' } }),
      settings,
      useDefaultMappings: true
    })
    await expect(attempt).rejects.toThrow(RetryableError)
    await expect(attempt).rejects.toThrow(
      'Drift refused to create the contact as a duplicate (email taken) but its lookup does not find it yet'
    )
  })

  it.each([
    [400, { error: { message: 'Contact already exists' } }],
    [422, { errors: [{ message: 'externalId is not unique' }] }]
  ])(
    'should treat a %i whose message says the contact exists as a duplicate: lookup, then update',
    async (status, body) => {
      const t = freshDrift()
      scope().get('/contacts').query(byExternalId('user-1')).reply(200, { data: [] })
      scope().post('/contacts').reply(status, body)
      scope()
        .get('/contacts')
        .query(byExternalId('user-1'))
        .reply(200, { data: contact(21, { externalId: 'user-1' }) })
      scope().patch('/contacts/21').reply(200, {})
      await t.testAction('upsertContact', { event: identify(), settings, useDefaultMappings: true })
      expect(lastData(t)).toMatchObject({ contactId: '21', action: 'updated' })
    }
  )

  it("should refuse a 400 that does not say the contact exists, with Drift's message", async () => {
    const t = freshDrift()
    scope().get('/contacts').query(byExternalId('user-1')).reply(200, { data: [] })
    scope()
      .post('/contacts')
      .reply(400, { error: { message: 'attributes.email is not an email' } })
    const attempt = t.testAction('upsertContact', { event: identify(), settings, useDefaultMappings: true })
    await expect(attempt).rejects.toThrow(PayloadValidationError)
    await expect(attempt).rejects.toThrow('attributes.email is not an email')
  })

  it('should update by the id a 409 carries when the lookup does not show the contact', async () => {
    const t = freshDrift()
    scope().get('/contacts').query(byExternalId('user-1')).times(2).reply(200, { data: [] })
    scope().post('/contacts').reply(409, '{"error":{"message":"exists","existingContactId":9007199254740993}}', {
      'content-type': 'application/json'
    })
    scope().patch('/contacts/9007199254740993').reply(200, {})
    await t.testAction('upsertContact', { event: identify(), settings, useDefaultMappings: true })
    expect(lastData(t)).toMatchObject({ contactId: '9007199254740993', action: 'updated' })
  })

  it('should send nothing and report skipped when an identify would write the attributes last written', async () => {
    const t = freshDrift()
    const routes: string[] = []
    afterTest(onDriftRequest((request) => routes.push(request.route)))
    scope()
      .get('/contacts')
      .query(byExternalId('user-1'))
      .reply(200, { data: [contact(11)] })
    scope().patch('/contacts/11').times(2).reply(200, {})
    const same = identify({ traits: { plan: 'pro', firstName: 'Ada', email: 'ada@example.com' } })
    await t.testAction('upsertContact', { event: identify(), settings, useDefaultMappings: true })
    await t.testAction('upsertContact', { event: same, settings, useDefaultMappings: true })
    expect(lastData(t)).toMatchObject({ contactId: '11', action: 'skipped' })
    await t.testAction('upsertContact', {
      event: identify({ traits: { plan: 'team' } }),
      settings,
      useDefaultMappings: true
    })
    expect(lastData(t)).toMatchObject({ action: 'updated' })
    expect(routes).toEqual(['GET /contacts', 'PATCH /contacts/:id', 'PATCH /contacts/:id'])
  })

  it('should find the contact by email without a user id, and create it without externalId when missing', async () => {
    const t = freshDrift()
    scope()
      .get('/contacts')
      .query({ email: 'ada@example.com' })
      .reply(200, { data: [contact(31)] })
    scope()
      .patch('/contacts/31', { attributes: { email: 'ada@example.com', plan: 'pro' } })
      .reply(200, {})
    await t.testAction('upsertContact', {
      event: identify({ userId: undefined, traits: { email: 'ada@example.com', plan: 'pro' } }),
      settings,
      useDefaultMappings: true
    })
    const t2 = freshDrift()
    scope().get('/contacts').query({ email: 'bob@example.com' }).reply(200, { data: [] })
    scope()
      .post('/contacts', { attributes: { email: 'bob@example.com' } })
      .reply(200, { data: contact(32) })
    await t2.testAction('upsertContact', {
      event: identify({ userId: undefined, traits: { email: 'bob@example.com' } }),
      settings,
      useDefaultMappings: true
    })
    expect(lastData(t2)).toMatchObject({ contactId: '32', action: 'created' })
  })

  it('should pick the contact whose externalId matches exactly, else the lowest id', async () => {
    const t = freshDrift()
    scope()
      .get('/contacts')
      .query(byExternalId('user-1'))
      .reply(200, {
        data: [
          contact(5, { externalId: 'USER-1' }),
          contact(90, { externalId: 'user-1' }),
          contact(40, { externalId: 'user-1' })
        ]
      })
    scope().patch('/contacts/40').reply(200, {})
    await t.testAction('upsertContact', { event: identify(), settings, useDefaultMappings: true })
    const t2 = freshDrift()
    scope()
      .get('/contacts')
      .query({ email: 'ada@example.com' })
      .reply(200, { data: [contact(100), contact(99), contact(1000)] })
    scope().patch('/contacts/99').reply(200, {})
    await t2.testAction('upsertContact', {
      event: identify({ userId: undefined }),
      settings,
      useDefaultMappings: true
    })
  })

  it('should skip honestly, without a PATCH, when there is nothing to write', async () => {
    const t = freshDrift()
    scope()
      .get('/contacts')
      .query(byExternalId('user-1'))
      .reply(200, { data: [contact(11)] })
    await t.testAction('upsertContact', { event: identify({ traits: {} }), settings, useDefaultMappings: true })
    expect(lastData(t)).toMatchObject({ contactId: '11', action: 'skipped' })
  })

  it('should refuse an event with neither user id nor email, and a placeholder user id, without a request', async () => {
    await expect(
      freshDrift().testAction('upsertContact', {
        event: identify({ userId: undefined, traits: { plan: 'pro' } }),
        settings,
        useDefaultMappings: true
      })
    ).rejects.toThrow('upsertContact needs a user id (external_id) or an email')
    await expect(
      freshDrift().testAction('upsertContact', {
        event: identify({ userId: 'null' }),
        settings,
        useDefaultMappings: true
      })
    ).rejects.toThrow('external_id refused: userId must not be a placeholder')
  })

  describe('performBatch', () => {
    it('should merge identifies of one user in order into one upsert and give each event the outcome', async () => {
      const t = freshDrift()
      scope()
        .get('/contacts')
        .query(byExternalId('u1'))
        .reply(200, { data: [contact(1)] })
      scope()
        .patch('/contacts/1', { attributes: { plan: 'team', seats: 3, email: 'a@example.com', first_name: 'Ann' } })
        .reply(200, {})
      scope().get('/contacts').query(byExternalId('u2')).reply(200, { data: [] })
      scope()
        .post('/contacts', { attributes: { email: 'b@example.com', externalId: 'u2' } })
        .reply(200, { data: contact(2) })
      scope().get('/contacts').query(byExternalId('u3')).reply(200, { data: [] })
      const events = [
        identify({ userId: 'u1', traits: { plan: 'pro', seats: 3 } }),
        identify({ userId: 'u2', traits: { email: 'b@example.com' } }),
        identify({ userId: 'u1', traits: { plan: 'team', email: 'a@example.com' } }),
        identify({ userId: 'u3', traits: { plan: 'free' } }),
        identify({ userId: 'anonymous', traits: { plan: 'free' } }),
        identify({ userId: 'u1', traits: { firstName: 'Ann' } })
      ] as SegmentEvent[]
      await t.testBatchAction('upsertContact', { events, settings, useDefaultMappings: true })
      const entries = t.results[0].multistatus ?? []
      expect(entries).toHaveLength(6)
      for (const index of [0, 2, 5]) {
        expect(entries[index]).toMatchObject({
          status: 200,
          body: { contactId: '1', action: 'updated', mergedEvents: 3 }
        })
      }
      expect(entries[1]).toMatchObject({ status: 200, body: { contactId: '2', action: 'created', mergedEvents: 1 } })
      expect(entries[3]).toMatchObject({ status: 400, errormessage: expect.stringContaining('needs an email') })
      expect(entries[4]).toMatchObject({ status: 400, errormessage: expect.stringContaining('placeholder') })
    })

    it('should fail the remaining events with the 401 without asking Drift again', async () => {
      const t = freshDrift()
      let requests = 0
      afterTest(onDriftRequest(() => requests++))
      scope()
        .get('/contacts')
        .query(true)
        .times(BATCH_CONCURRENCY)
        .reply(401, { error: { message: 'Unknown or expired access token' } })
      const events = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((userId) => identify({ userId })) as SegmentEvent[]
      await t.testBatchAction('upsertContact', { events, settings, useDefaultMappings: true })
      const entries = t.results[0].multistatus ?? []
      // The first BATCH_CONCURRENCY lanes ask at once; the two lanes after them fail without a request.
      expect(requests).toBe(BATCH_CONCURRENCY)
      expect(entries.map((e) => e.status)).toEqual([401, 401, 401, 401, 401, 401, 401])
      expect(entries[6]).toMatchObject({ errortype: 'INVALID_AUTHENTICATION' })
    })
  })
})
