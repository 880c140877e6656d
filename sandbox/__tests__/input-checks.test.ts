import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FIRST_CONTACT_ID, startSandbox, type Sandbox } from '..'
import { call } from './helpers'

// Bad input gets a 400 (or a start-up error) naming the field and the rule: never a crash, a 500, or a value
// silently taken or dropped.

describe('state file items', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drift-sandbox-checks-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  const contact = { id: FIRST_CONTACT_ID, createdAt: 1, attributes: { email: 'a@example.com', externalId: 'u1' } }
  const event = { id: 1, contactId: FIRST_CONTACT_ID, event: 'Signed Up', createdAt: 1, attributes: {}, receivedAt: 1 }
  const account = {
    accountId: '1000_acme.com',
    ownerId: 1,
    domain: 'acme.com',
    customProperties: [{ name: 'plan', value: 'pro' }],
    targeted: false,
    createDateTime: 1,
    updateDateTime: 1
  }
  const widgetCall = {
    receivedAt: 1,
    sessionId: 's1',
    embedId: 'abc-dev',
    seq: 0,
    method: 'identify',
    args: ['u1'],
    beforeLoad: true,
    at: 1
  }
  const valid = {
    version: 1,
    contacts: [contact],
    accounts: [account],
    timeline: [event],
    widgetCalls: [widgetCall],
    attributeTypes: { email: 'STRING' },
    nextContactId: FIRST_CONTACT_ID + 1,
    nextEventId: 2
  }

  async function fileWith(name: string, content: unknown): Promise<string> {
    const file = join(dir, `${name}.json`)
    await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content))
    return file
  }

  it('loads a complete hand-written file and carries on from its ids', async () => {
    const sandbox = await startSandbox({ stateFile: await fileWith('valid', valid), rateLimit: false })
    try {
      const created = await call(sandbox.url, 'POST', '/contacts', { attributes: { email: 'b@example.com' } })
      expect(created.body.data.id).toBe(FIRST_CONTACT_ID + 1)
      expect((await call(sandbox.url, 'POST', '/contacts/timeline', { externalId: 'u1', event: 'x' })).status).toBe(200)
      expect(sandbox.state.timeline.map((e) => e.id)).toEqual([1, 2])
    } finally {
      await sandbox.close()
    }
  })

  const broken: Array<[string, Record<string, unknown>, string]> = [
    [
      'a contact without id',
      { contacts: [contact, { createdAt: 1, attributes: {} }] },
      'contacts[1].id must be an integer >= 1'
    ],
    ['a null contact', { contacts: [null] }, 'contacts[0] must be an object'],
    ['a string counter', { nextContactId: 'abc' }, 'nextContactId must be an integer >= 1'],
    ['a fractional counter', { nextEventId: 1.5 }, 'nextEventId must be an integer >= 1'],
    ['an id past 2^53', { contacts: [{ ...contact, id: 2 ** 53 }] }, 'contacts[0].id must be an integer >= 1'],
    ['a duplicate contact id', { contacts: [contact, contact] }, `contacts[1].id ${FIRST_CONTACT_ID} is used by`],
    [
      'a nested contact attribute',
      { contacts: [{ ...contact, attributes: { address: { city: 'Paris' } } }] },
      'contacts[0].attributes.address must be a string, number, boolean or null'
    ],
    ['contact attributes missing', { contacts: [{ id: 5, createdAt: 1 }] }, 'contacts[0].attributes must be an object'],
    [
      'an event without a name',
      { timeline: [{ ...event, event: undefined }] },
      'timeline[0].event must be a non-empty'
    ],
    [
      'a number in event attributes',
      { timeline: [{ ...event, attributes: { total: 3 } }] },
      'timeline[0].attributes.total must be a string'
    ],
    [
      'customProperties that are not a list',
      { accounts: [{ ...account, customProperties: {} }] },
      'accounts[0].customProperties must be an array'
    ],
    [
      'a custom property without a name',
      { accounts: [{ ...account, customProperties: [{ value: 1 }] }] },
      'accounts[0].customProperties[0].name must be a non-empty string'
    ],
    [
      'a widget call without args',
      { widgetCalls: [{ ...widgetCall, args: undefined }] },
      'widgetCalls[0].args must be'
    ],
    [
      'an unknown attribute type',
      { attributeTypes: { email: 'TEXT' } },
      'attributeTypes.email must be one of STRING, NUMERIC, BOOLEAN, DATETIME, DATE'
    ],
    ['an inherited name as a type', { attributeTypes: { email: 'toString' } }, 'attributeTypes.email must be one of']
  ]

  it.each(broken)('refuses %s at start, naming the file, the item and the rule', async (name, change, rule) => {
    const file = await fileWith(name.replace(/\W+/g, '-'), { ...valid, ...change })
    await expect(startSandbox({ stateFile: file })).rejects.toThrow(`stateFile ${file}: ${rule}`)
  })

  it('refuses a file holding JSON null instead of crashing on it', async () => {
    const file = await fileWith('null', 'null')
    await expect(startSandbox({ stateFile: file })).rejects.toThrow(`stateFile ${file} is not a sandbox state file`)
  })
})

describe('requests', () => {
  let sandbox: Sandbox
  const api = (method: string, path: string, body?: unknown) => call(sandbox.url, method, path, body)

  beforeAll(async () => {
    sandbox = await startSandbox({ rateLimit: false })
  })
  afterAll(() => sandbox.close())
  beforeEach(() => sandbox.reset())

  const createOne = async (): Promise<number> =>
    (await api('POST', '/contacts', { attributes: { email: 'a@example.com', externalId: 'u1' } })).body.data.id

  describe('externalId: one rule for create, update and timeline', () => {
    // Raw JSON: 9007199254740993 cannot be written from a JS number (it would be 9007199254740992 already).
    const badValues = ['true', '""', '"  "', '9007199254740993', '1.5']

    it.each(badValues)('refuses %s in POST and PATCH /contacts with the same 400', async (raw) => {
      const id = await createOne()
      const created = await api('POST', '/contacts', `{"attributes":{"email":"b@example.com","externalId":${raw}}}`)
      const patched = await api('PATCH', `/contacts/${id}`, `{"attributes":{"externalId":${raw}}}`)
      for (const answer of [created, patched]) {
        expect(answer.status).toBe(400)
        expect(answer.body.error.field).toBe('attributes.externalId')
        expect(answer.body.error.message).toMatch(/^attributes\.externalId must be a non-empty string or an integer/)
      }
      expect(patched.body.error.message).toBe(created.body.error.message)
      expect(sandbox.state.contacts).toEqual([
        expect.objectContaining({ attributes: expect.objectContaining({ externalId: 'u1' }) })
      ])
    })

    it('refuses the same values as a timeline externalId', async () => {
      await createOne()
      for (const raw of badValues) {
        const answer = await api('POST', '/contacts/timeline', `{"event":"x","externalId":${raw}}`)
        expect({ raw, status: answer.status, field: answer.body.error.field }).toEqual({
          raw,
          status: 400,
          field: 'externalId'
        })
      }
      expect(sandbox.state.timeline).toHaveLength(0)
    })

    it('still takes strings and safe integers, and null still clears it on PATCH', async () => {
      const id = await createOne()
      expect(
        (await api('PATCH', `/contacts/${id}`, { attributes: { externalId: 42 } })).body.data.attributes.externalId
      ).toBe(42)
      expect((await api('POST', '/contacts/timeline', { externalId: '42', event: 'x' })).status).toBe(200)
      const cleared = await api('PATCH', `/contacts/${id}`, { attributes: { externalId: null } })
      expect(cleared.body.data.attributes).toEqual({ email: 'a@example.com' })
    })
  })

  describe('contact ids in the path', () => {
    it('refuses ids past 2^53 - 1 instead of answering for a rounded id', async () => {
      // A contact whose id is 2^53: 9007199254740993 would round onto it.
      sandbox.state.contacts.push({ id: 2 ** 53, createdAt: 1, attributes: { email: 'big@example.com' } })
      for (const method of ['GET', 'PATCH', 'DELETE']) {
        const answer = await api(
          method,
          '/contacts/9007199254740993',
          method === 'PATCH' ? { attributes: {} } : undefined
        )
        expect({ method, status: answer.status }).toEqual({ method, status: 400 })
        expect(answer.body.error.field).toBe('id')
        expect(answer.body.error.message).toBe('id must be an integer id from 0 to 9007199254740991')
      }
      expect((await api('GET', `/contacts/${'9'.repeat(60)}`)).status).toBe(400)
      expect((await api('GET', '/contacts/9007199254740991')).status).toBe(404)
      expect(sandbox.state.contacts).toHaveLength(1)
    })
  })

  describe('one way to address a contact per request', () => {
    it('refuses a timeline event with both contactId and externalId', async () => {
      const id = await createOne()
      const answer = await api('POST', '/contacts/timeline', { contactId: id, externalId: 'u1', event: 'x' })
      expect(answer.status).toBe(400)
      expect(answer.body.error.message).toBe('give contactId or externalId, not both')
      expect(answer.body.error.field).toBe('externalId')
      expect(sandbox.state.timeline).toHaveLength(0)
    })

    it('refuses a lookup by email and externalId together, and unknown lookup parameters', async () => {
      await createOne()
      for (const query of ['email=a%40example.com&idType=external&id=u1', 'id=u1&email=a%40example.com']) {
        const answer = await api('GET', `/contacts?${query}`)
        expect({ query, status: answer.status }).toEqual({ query, status: 400 })
        expect(answer.body.error.message).toBe('give email or idType=external&id, not both')
      }
      const unknown = await api('GET', '/contacts?email=a%40example.com&externalId=u2')
      expect(unknown.status).toBe(400)
      expect(unknown.body.error.field).toBe('externalId')
      expect(unknown.body.error.message).toMatch(/^Unknown query parameter externalId\. Look contacts up with/)
      expect((await api('GET', '/contacts?idType=external&id=u1')).body.data).toHaveLength(1)
    })
  })
})
