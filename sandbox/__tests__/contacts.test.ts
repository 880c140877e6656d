import { ALL_SCOPES, DEFAULT_SANDBOX_TOKEN, FIRST_CONTACT_ID, startSandbox, type Sandbox } from '..'
import { call } from './helpers'

let sandbox: Sandbox
const api = (method: string, path: string, body?: unknown, token?: string | null) =>
  call(sandbox.url, method, path, body, token)

beforeAll(async () => {
  sandbox = await startSandbox({
    tokens: {
      [DEFAULT_SANDBOX_TOKEN]: ALL_SCOPES,
      'read-only': ['contact_read'],
      'no-scopes': []
    }
  })
})
afterAll(() => sandbox.close())
beforeEach(() => sandbox.reset())

describe('auth and scopes', () => {
  it('answers 401 without a token and with an unknown one', async () => {
    const missing = await api('GET', '/contacts?email=a@example.com', undefined, null)
    expect(missing.status).toBe(401)
    expect(missing.body.error.message).toMatch(/bearer token/i)
    const unknown = await api('GET', '/contacts?email=a@example.com', undefined, 'who-knows')
    expect(unknown.status).toBe(401)
    expect(unknown.body.error.type).toBe('authentication_error')
  })

  it('answers 403 naming the scope a route needs', async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/contacts', { attributes: { email: 'a@example.com' } }, 'contact_write'],
      ['GET', '/contacts/attributes', undefined, 'all_contact_read'],
      ['POST', '/accounts/create', { ownerId: 1, domain: 'a.com' }, 'account_write'],
      ['GET', '/accounts/x', undefined, 'account_read'],
      ['POST', '/gdpr/delete', { email: 'a@example.com' }, 'gdpr_write'],
      ['POST', '/contacts/timeline', { externalId: 'u1', event: 'x' }, 'contact_write']
    ]
    for (const [method, path, body, scope] of cases) {
      const answer = await api(method, path, body, 'read-only')
      expect({ path, status: answer.status }).toEqual({ path, status: 403 })
      expect(answer.body.error.message).toContain(scope)
      expect(answer.body.error.requiredScope).toBe(scope)
    }
    expect((await api('GET', '/contacts?email=a@example.com', undefined, 'read-only')).status).toBe(200)
    expect((await api('GET', '/contacts?email=a@example.com', undefined, 'no-scopes')).status).toBe(403)
  })

  it('describes a token with POST /app/token_info and refuses unknown ones', async () => {
    const info = await api('POST', '/app/token_info', { access_token: 'read-only' }, null)
    expect(info.status).toBe(200)
    expect(info.body.authenticated_userid).toMatch(/^orgId:\d+$/)
    expect(info.body.scope).toBe('contact_read')
    expect(typeof info.body.expires_in).toBe('number')
    expect(JSON.stringify(info.body)).not.toContain('read-only')
    const all = await api('POST', '/app/token_info', { access_token: DEFAULT_SANDBOX_TOKEN }, null)
    expect(all.body.scope.split(' ').sort()).toEqual([...ALL_SCOPES].sort())
    expect((await api('POST', '/app/token_info', { access_token: 'nope' }, null)).status).toBe(401)
    expect((await api('POST', '/app/token_info', {}, null)).status).toBe(400)
  })
})

describe('POST /contacts', () => {
  it('creates a contact with an integer id, createdAt and the attributes', async () => {
    const before = Date.now()
    const answer = await api('POST', '/contacts', {
      attributes: { email: 'ann@example.com', externalId: 'u1', age: 3 }
    })
    expect(answer.status).toBe(200)
    expect(answer.body.data).toEqual({
      id: FIRST_CONTACT_ID,
      createdAt: expect.any(Number),
      attributes: { email: 'ann@example.com', externalId: 'u1', age: 3 }
    })
    expect(answer.body.data.createdAt).toBeGreaterThanOrEqual(before)
    const second = await api('POST', '/contacts', { attributes: { email: 'bob@example.com' } })
    expect(second.body.data.id).toBe(FIRST_CONTACT_ID + 1)
    expect(sandbox.state.contacts.map((c) => c.id)).toEqual([FIRST_CONTACT_ID, FIRST_CONTACT_ID + 1])
  })

  it('refuses nested attribute values with 400 naming the key', async () => {
    for (const nested of [{ street: 'Main' }, ['a', 'b']]) {
      const answer = await api('POST', '/contacts', { attributes: { email: 'a@example.com', address: nested } })
      expect(answer.status).toBe(400)
      expect(answer.body.error.message).toContain('attributes.address')
      expect(answer.body.error.field).toBe('attributes.address')
    }
    expect(sandbox.state.contacts).toHaveLength(0)
  })

  it('requires email', async () => {
    for (const attributes of [{ externalId: 'u1' }, { email: '' }, { email: 42 }]) {
      const answer = await api('POST', '/contacts', { attributes })
      expect(answer.status).toBe(400)
      expect(answer.body.error.field).toBe('attributes.email')
    }
    expect((await api('POST', '/contacts', {})).status).toBe(400)
    expect((await api('POST', '/contacts', '[1]')).status).toBe(400)
  })

  it('without externalId, refuses a duplicate email (409); with externalId, checks externalId instead', async () => {
    const first = await api('POST', '/contacts', { attributes: { email: 'ann@example.com' } })
    const dupEmail = await api('POST', '/contacts', { attributes: { email: 'ANN@example.com' } })
    expect(dupEmail.status).toBe(409)
    expect(dupEmail.body.error.existingContactId).toBe(first.body.data.id)

    // Email is not unique in Drift: with an externalId the same email is fine...
    const withId = await api('POST', '/contacts', { attributes: { email: 'ann@example.com', externalId: 'u1' } })
    expect(withId.status).toBe(200)
    // ...but the externalId is.
    const dupId = await api('POST', '/contacts', { attributes: { email: 'other@example.com', externalId: 'u1' } })
    expect(dupId.status).toBe(409)
    expect(dupId.body.error.field).toBe('attributes.externalId')
    expect(sandbox.state.contacts).toHaveLength(2)
  })

  it('does not store null values', async () => {
    const answer = await api('POST', '/contacts', { attributes: { email: 'a@example.com', phone: null } })
    expect(answer.body.data.attributes).toEqual({ email: 'a@example.com' })
  })
})

describe('lookups', () => {
  it('returns lists by externalId and by email, empty when nothing matches', async () => {
    await api('POST', '/contacts', { attributes: { email: 'ann@example.com', externalId: 'u1' } })
    await api('POST', '/contacts', { attributes: { email: 'ann@example.com', externalId: 'u2' } })
    const byId = await api('GET', '/contacts?idType=external&id=u2')
    expect(byId.status).toBe(200)
    expect(byId.body.data.map((c: { attributes: { externalId: string } }) => c.attributes.externalId)).toEqual(['u2'])
    const byEmail = await api('GET', '/contacts?email=ann%40example.com')
    expect(byEmail.body.data).toHaveLength(2)
    expect((await api('GET', '/contacts?idType=external&id=nobody')).body).toEqual({ data: [] })
    expect((await api('GET', '/contacts?email=nobody%40example.com')).body).toEqual({ data: [] })
    expect((await api('GET', '/contacts')).status).toBe(400)
    expect((await api('GET', '/contacts?idType=internal&id=1')).status).toBe(400)
    expect((await api('GET', '/contacts?email=a%40example.com&email=b%40example.com')).status).toBe(400)
  })

  it('GET /contacts/:id answers the contact or 404', async () => {
    const created = await api('POST', '/contacts', { attributes: { email: 'a@example.com' } })
    const found = await api('GET', `/contacts/${created.body.data.id}`)
    expect(found.body).toEqual({ data: created.body.data })
    expect((await api('GET', '/contacts/999')).status).toBe(404)
    expect((await api('GET', '/contacts/abc')).status).toBe(400)
  })
})

describe('PATCH and DELETE /contacts/:id', () => {
  it('merges the attributes sent, refuses nested ones, clears nulls, 404 for unknown ids', async () => {
    const { id } = (await api('POST', '/contacts', { attributes: { email: 'a@example.com', plan: 'free', seats: 1 } }))
      .body.data
    const patched = await api('PATCH', `/contacts/${id}`, { attributes: { plan: 'pro', company: 'Acme', seats: null } })
    expect(patched.status).toBe(200)
    expect(patched.body.data.attributes).toEqual({ email: 'a@example.com', plan: 'pro', company: 'Acme' })
    const nested = await api('PATCH', `/contacts/${id}`, { attributes: { tags: ['a'] } })
    expect(nested.status).toBe(400)
    expect(nested.body.error.message).toContain('attributes.tags')
    expect(sandbox.state.contacts[0].attributes.tags).toBeUndefined()
    expect((await api('PATCH', '/contacts/12345', { attributes: { plan: 'x' } })).status).toBe(404)
  })

  it('refuses moving an externalId onto a second contact', async () => {
    await api('POST', '/contacts', { attributes: { email: 'a@example.com', externalId: 'u1' } })
    const { id } = (await api('POST', '/contacts', { attributes: { email: 'b@example.com', externalId: 'u2' } })).body
      .data
    expect((await api('PATCH', `/contacts/${id}`, { attributes: { externalId: 'u1' } })).status).toBe(409)
  })

  it('deletes a contact and its timeline; 404 when unknown', async () => {
    const { id } = (await api('POST', '/contacts', { attributes: { email: 'a@example.com', externalId: 'u1' } })).body
      .data
    await api('POST', '/contacts/timeline', { contactId: id, event: 'Signed Up' })
    expect((await api('DELETE', `/contacts/${id}`)).status).toBe(200)
    expect(sandbox.state.contacts).toHaveLength(0)
    expect(sandbox.state.timeline).toHaveLength(0)
    expect((await api('DELETE', `/contacts/${id}`)).status).toBe(404)
  })
})

describe('GET /contacts/attributes', () => {
  it('lists the attributes written, with inferred types', async () => {
    await api('POST', '/contacts', {
      attributes: {
        email: 'a@example.com',
        seats: 3,
        vip: true,
        start_date: 1700000000000,
        birthday: '1990-04-01',
        last_login: '2024-01-02T03:04:05Z',
        recent_source: 'newsletter'
      }
    })
    const answer = await api('GET', '/contacts/attributes')
    expect(answer.status).toBe(200)
    const types = Object.fromEntries(
      answer.body.data.properties.map((p: { name: string; type: string }) => [p.name, p.type])
    )
    expect(types).toEqual({
      email: 'STRING',
      seats: 'NUMERIC',
      vip: 'BOOLEAN',
      start_date: 'DATETIME',
      birthday: 'DATE',
      last_login: 'DATETIME',
      recent_source: 'STRING'
    })
    const recent = answer.body.data.properties.find((p: { name: string }) => p.name === 'recent_source')
    expect(recent.displayName).toBe('Recent Source')
  })
})

describe('POST /contacts/timeline', () => {
  it('stores an event by contactId and by externalId, stringifying attribute values', async () => {
    const { id } = (await api('POST', '/contacts', { attributes: { email: 'a@example.com', externalId: 'u1' } })).body
      .data
    const byId = await api('POST', '/contacts/timeline', {
      contactId: id,
      event: 'Order Completed',
      createdAt: 1700000000000,
      attributes: { total: 12.5, paid: true, coupon: 'X', gift: null }
    })
    expect(byId.status).toBe(200)
    expect(byId.body.data).toMatchObject({
      contactId: id,
      event: 'Order Completed',
      createdAt: 1700000000000,
      attributes: { total: '12.5', paid: 'true', coupon: 'X' }
    })
    const byExternal = await api('POST', '/contacts/timeline', { externalId: 'u1', event: 'Logged In' })
    expect(byExternal.status).toBe(200)
    expect(byExternal.body.data.contactId).toBe(id)
    expect(sandbox.state.timeline.map((e) => e.event)).toEqual(['Order Completed', 'Logged In'])
  })

  it('answers 404 for an unknown contact and 400 for a missing event, contact or nested attribute', async () => {
    await api('POST', '/contacts', { attributes: { email: 'a@example.com', externalId: 'u1' } })
    expect((await api('POST', '/contacts/timeline', { externalId: 'nobody', event: 'x' })).status).toBe(404)
    expect((await api('POST', '/contacts/timeline', { contactId: 42, event: 'x' })).status).toBe(404)
    const noEvent = await api('POST', '/contacts/timeline', { externalId: 'u1' })
    expect(noEvent.status).toBe(400)
    expect(noEvent.body.error.field).toBe('event')
    expect((await api('POST', '/contacts/timeline', { event: 'x' })).status).toBe(400)
    const nested = await api('POST', '/contacts/timeline', {
      externalId: 'u1',
      event: 'x',
      attributes: { a: { b: 1 } }
    })
    expect(nested.status).toBe(400)
    expect(nested.body.error.field).toBe('attributes.a')
    expect(sandbox.state.timeline).toHaveLength(0)
  })
})

describe('accounts', () => {
  const account = {
    ownerId: 21,
    name: 'Acme',
    domain: 'acme.com',
    customProperties: [{ label: 'Plan', name: 'plan', value: 'pro', type: 'STRING' }],
    targeted: true
  }

  it('creates, reads and merges accounts', async () => {
    const created = await api('POST', '/accounts/create', account)
    expect(created.status).toBe(200)
    const { accountId } = created.body.data
    expect(created.body.data).toMatchObject({ ownerId: 21, name: 'Acme', domain: 'acme.com', targeted: true })
    expect((await api('GET', `/accounts/${accountId}`)).body.data.accountId).toBe(accountId)
    const updated = await api('PATCH', '/accounts/update', {
      accountId,
      name: 'Acme Inc',
      customProperties: [
        { name: 'plan', value: 'enterprise' },
        { name: 'seats', value: 40 }
      ]
    })
    expect(updated.status).toBe(200)
    expect(updated.body.data.name).toBe('Acme Inc')
    expect(updated.body.data.domain).toBe('acme.com')
    expect(updated.body.data.customProperties).toEqual([
      { label: 'Plan', name: 'plan', value: 'enterprise', type: 'STRING' },
      { name: 'seats', value: 40 }
    ])
    expect((await api('GET', '/accounts/nope')).status).toBe(404)
    expect((await api('PATCH', '/accounts/update', { accountId: 'nope', name: 'x' })).status).toBe(404)
    expect((await api('PATCH', '/accounts/update', { name: 'x' })).status).toBe(400)
  })

  it('requires ownerId and domain and keeps domains unique (409)', async () => {
    const noOwner = await api('POST', '/accounts/create', { domain: 'acme.com' })
    expect(noOwner.status).toBe(400)
    expect(noOwner.body.error.field).toBe('ownerId')
    const noDomain = await api('POST', '/accounts/create', { ownerId: 1 })
    expect(noDomain.status).toBe(400)
    expect(noDomain.body.error.field).toBe('domain')
    expect((await api('POST', '/accounts/create', account)).status).toBe(200)
    const duplicate = await api('POST', '/accounts/create', { ...account, domain: 'ACME.com' })
    expect(duplicate.status).toBe(409)
    expect(duplicate.body.error.field).toBe('domain')
    const other = (await api('POST', '/accounts/create', { ownerId: 1, domain: 'other.com' })).body.data
    expect((await api('PATCH', '/accounts/update', { accountId: other.accountId, domain: 'acme.com' })).status).toBe(
      409
    )
    const nested = await api('POST', '/accounts/create', {
      ownerId: 1,
      domain: 'n.com',
      customProperties: [{ name: 'a', value: {} }]
    })
    expect(nested.status).toBe(400)
    expect(nested.body.error.field).toBe('customProperties[0].value')
    expect(sandbox.state.accounts).toHaveLength(2)
  })
})

describe('POST /gdpr/delete', () => {
  it('deletes every contact with that email and their events', async () => {
    await api('POST', '/contacts', { attributes: { email: 'gone@example.com', externalId: 'u1' } })
    await api('POST', '/contacts', { attributes: { email: 'gone@example.com', externalId: 'u2' } })
    await api('POST', '/contacts', { attributes: { email: 'stays@example.com', externalId: 'u3' } })
    await api('POST', '/contacts/timeline', { externalId: 'u1', event: 'x' })
    await api('POST', '/contacts/timeline', { externalId: 'u3', event: 'y' })
    const answer = await api('POST', '/gdpr/delete', { email: 'gone@example.com' })
    expect(answer.status).toBe(200)
    expect(answer.body.data.deletedContacts).toBe(2)
    expect(sandbox.state.contacts.map((c) => c.attributes.email)).toEqual(['stays@example.com'])
    expect(sandbox.state.timeline.map((e) => e.event)).toEqual(['y'])
    expect((await api('POST', '/gdpr/delete', {})).status).toBe(400)
  })
})

describe('requests and errors', () => {
  it('counts requests per endpoint and error statuses', async () => {
    await api('POST', '/contacts', { attributes: { email: 'a@example.com' } })
    await api('POST', '/contacts', { attributes: { email: 'a@example.com' } })
    await api('GET', '/contacts/1000000001')
    await api('GET', '/contacts/1', undefined, null)
    expect(sandbox.counts()).toEqual({ 'POST /contacts': 2, 'GET /contacts/:id': 2, '409': 1, '401': 1 })
  })

  it('answers malformed JSON and oversized bodies with JSON errors (400, 413)', async () => {
    const broken = await api('POST', '/contacts', '{"attributes":')
    expect(broken.status).toBe(400)
    expect(broken.body.error.message).toMatch(/json/i)
    const huge = await api('POST', '/contacts', {
      attributes: { email: 'a@example.com', blob: 'x'.repeat(3 * 1024 * 1024) }
    })
    expect(huge.status).toBe(413)
    expect(huge.body.error.type).toBe('payload_too_large')
  })
})
