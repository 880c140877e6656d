import { IntegrationError, PayloadValidationError } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import { domainOf } from '../account'
import { scope, freshDrift, settings, setUpNock, TOKEN } from '../../__tests__/helpers'

setUpNock()

const withOwner = { ...settings, accountOwnerId: '21' }

function group(overrides: Partial<SegmentEvent> = {}): Partial<SegmentEvent> {
  return {
    type: 'group',
    userId: 'user-1',
    groupId: 'g-1',
    traits: {
      id: 'g-1',
      name: 'Example Inc',
      website: 'https://www.Example.com/about',
      employees: 40,
      plan: { tier: 'gold' }
    },
    ...overrides
  }
}

const lastData = (t: ReturnType<typeof freshDrift>) => t.results[t.results.length - 1].data

const properties = [
  { name: 'employees', label: 'employees', value: 40, type: 'NUMBER' },
  { name: 'plan_tier', label: 'plan_tier', value: 'gold', type: 'STRING' }
]

describe('Drift.upsertAccount', () => {
  it('should create the account with the owner from the settings and the domain from the website', async () => {
    const t = freshDrift()
    scope()
      .post('/accounts/create', {
        ownerId: 21,
        domain: 'example.com',
        name: 'Example Inc',
        customProperties: properties
      })
      .reply(200, { data: { accountId: '77_example.com', domain: 'example.com' } })
    await t.testAction('upsertAccount', { event: group(), settings: withOwner, useDefaultMappings: true })
    expect(lastData(t)).toMatchObject({ accountId: '77_example.com', action: 'created', domain: 'example.com' })
  })

  it('should update an account this process created before, and create again when Drift lost it (404)', async () => {
    const t = freshDrift()
    scope()
      .post('/accounts/create')
      .reply(200, { data: { accountId: 'acc-1' } })
    scope()
      .patch('/accounts/update', {
        accountId: 'acc-1',
        ownerId: 21,
        domain: 'example.com',
        name: 'Example Inc',
        customProperties: properties
      })
      .reply(200, { data: { accountId: 'acc-1' } })
    scope()
      .patch('/accounts/update')
      .reply(404, { error: { message: 'No account' } })
    scope()
      .post('/accounts/create')
      .reply(200, { data: { accountId: 'acc-2' } })
    for (let i = 0; i < 3; i++) {
      await t.testAction('upsertAccount', { event: group(), settings: withOwner, useDefaultMappings: true })
    }
    expect(lastData(t)).toMatchObject({ accountId: 'acc-2', action: 'created' })
  })

  it('should update the existing account when Drift says the domain exists and gives its id', async () => {
    const t = freshDrift()
    scope()
      .post('/accounts/create')
      .reply(409, {
        error: {
          type: 'conflict',
          message: 'An account with domain example.com already exists',
          existingAccountId: 'acc-9'
        }
      })
    scope()
      .patch('/accounts/update', (body) => body.accountId === 'acc-9')
      .reply(200, { data: { accountId: 'acc-9' } })
    await t.testAction('upsertAccount', { event: group(), settings: withOwner, useDefaultMappings: true })
    expect(lastData(t)).toMatchObject({ accountId: 'acc-9', action: 'updated' })
  })

  const tokenInfo = () =>
    scope()
      .post('/app/token_info', { access_token: TOKEN })
      .reply(200, { authenticated_userid: 'orgId:77', scope: 'contact_read contact_write account_read account_write' })

  it.each([409, 400])(
    'should find an existing domain by the <orgId>_<domain> id when Drift answers %i without an id, then update it',
    async (status) => {
      const t = freshDrift()
      scope().post('/accounts/create').reply(status, { message: 'domain already exists' })
      tokenInfo()
      scope()
        .get('/accounts/77_example.com')
        .reply(200, { data: { accountId: '77_example.com', domain: 'example.com' } })
      scope()
        .patch('/accounts/update', (body: { accountId?: string }) => body.accountId === '77_example.com')
        .times(2)
        .reply(200, { data: { accountId: '77_example.com' } })
      await t.testAction('upsertAccount', { event: group(), settings: withOwner, useDefaultMappings: true })
      expect(lastData(t)).toMatchObject({ accountId: '77_example.com', action: 'updated' })
      // Remembered: the next group call for the domain is one request.
      const again = await t.testAction('upsertAccount', {
        event: group(),
        settings: withOwner,
        useDefaultMappings: true
      })
      expect(again).toHaveLength(1)
    }
  )

  it('should say to map account_id when neither the answer nor the <orgId>_<domain> id finds the account', async () => {
    const t = freshDrift()
    scope().post('/accounts/create').reply(400, { message: 'domain already exists' })
    tokenInfo()
    scope()
      .get('/accounts/77_example.com')
      .reply(404, { error: { message: 'not found' } })
    const attempt = t.testAction('upsertAccount', { event: group(), settings: withOwner, useDefaultMappings: true })
    await expect(attempt).rejects.toThrow(IntegrationError)
    await expect(attempt).rejects.toThrow(
      "An account with domain example.com already exists in Drift, but Drift's answer gives no id and no account has " +
        "the id Drift's form suggests: map the account_id field to the Drift account id (Drift said: domain already exists)"
    )
  })

  it('should update by a mapped account_id without creating, and refuse a malformed one', async () => {
    const t = freshDrift()
    scope()
      .patch('/accounts/update', (body: { accountId?: string; domain?: string }) => body.accountId === 'crm_42')
      .reply(200, { data: { accountId: 'crm_42' } })
    await t.testAction('upsertAccount', {
      event: group(),
      mapping: { account_id: ' crm_42 ', domain: 'example.com' },
      settings: withOwner
    })
    expect(lastData(t)).toMatchObject({ accountId: 'crm_42', action: 'updated' })
    const bad = freshDrift().testAction('upsertAccount', {
      event: group(),
      mapping: { account_id: 'a/b', domain: 'example.com' },
      settings: withOwner
    })
    await expect(bad).rejects.toThrow(PayloadValidationError)
    await expect(bad).rejects.toThrow('account_id must be a Drift account id')
  })

  it('should take the owner and domain from the fields, and send targeted', async () => {
    const t = freshDrift()
    scope()
      .post('/accounts/create', { ownerId: 5, domain: 'acme.io', customProperties: [], targeted: true })
      .reply(200, { data: { accountId: 12 } })
    await t.testAction('upsertAccount', {
      event: group(),
      mapping: { owner_id: '5', domain: 'acme.io', targeted: true },
      settings: withOwner
    })
    expect(lastData(t)).toMatchObject({ accountId: 12 })
  })

  it('should refuse without an owner, without a domain, or with something that is no domain', async () => {
    const cases: Array<[Parameters<ReturnType<typeof freshDrift>['testAction']>[1], string]> = [
      [{ event: group(), settings, useDefaultMappings: true }, 'upsertAccount needs an account owner'],
      [{ event: group({ traits: { name: 'X' } }), settings: withOwner, useDefaultMappings: true }, 'needs a domain'],
      [
        { event: group({ traits: { website: 'not a website' } }), settings: withOwner, useDefaultMappings: true },
        'domain must be a domain name or a website URL'
      ],
      [{ event: group(), mapping: { owner_id: 'abc', domain: 'a.com' }, settings }, 'owner_id must be a Drift user id']
    ]
    for (const [input, message] of cases) {
      const attempt = freshDrift().testAction('upsertAccount', input)
      await expect(attempt).rejects.toThrow(PayloadValidationError)
      await expect(attempt).rejects.toThrow(message)
    }
  })

  it('should report the group traits the mapping core dropped, instead of losing them silently', async () => {
    const t = freshDrift()
    scope()
      .post('/accounts/create', (body) => JSON.stringify(body.customProperties) === JSON.stringify(properties))
      .reply(200, { data: { accountId: 'acc-3' } })
    const event = group()
    await t.testAction('upsertAccount', {
      event: { ...event, traits: { ...event.traits, closed_at: null } },
      settings: withOwner,
      useDefaultMappings: true
    })
    expect(lastData(t)).toMatchObject({ accountId: 'acc-3', warnings: ['closed_at: dropped, null'] })
  })

  it('should normalise websites to domains', () => {
    expect(domainOf('https://www.Example.com/about?x=1')).toBe('example.com')
    expect(domainOf('http://user:pw@shop.example.co.uk:8080/')).toBe('shop.example.co.uk')
    expect(domainOf('example.com.')).toBe('example.com')
    expect(domainOf('localhost')).toBeUndefined()
    expect(domainOf('javascript:alert(1)')).toBeUndefined()
    expect(domainOf(42)).toBeUndefined()
  })
})
