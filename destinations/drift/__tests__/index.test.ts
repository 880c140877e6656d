import { IntegrationError, InvalidAuthenticationError, PayloadValidationError } from '@segment/actions-core'
import definition, { driftCloudDestination } from '..'
import { contact, scope, freshDrift, settings, setUpNock, TOKEN } from './helpers'

setUpNock()

describe('Drift (Actions) definition', () => {
  it('should be the cloud destination with one preset per call type', () => {
    expect(driftCloudDestination).toBe(definition)
    expect(definition).toMatchObject({ name: 'Drift-Actions', slug: 'actions-drift', mode: 'cloud' })
    expect(definition.presets?.map((p) => [('subscribe' in p && p.subscribe) || '', p.partnerAction])).toEqual([
      ['type = "identify"', 'upsertContact'],
      ['type = "track"', 'trackEvent'],
      ['type = "page"', 'trackPage'],
      ['type = "group"', 'upsertAccount']
    ])
    expect(definition.authentication?.fields.apiToken).toMatchObject({ type: 'password', required: true })
    expect(definition.authentication?.fields.dateUnit).toMatchObject({ default: 'milliseconds' })
  })
})

describe('Drift.testAuthentication', () => {
  it('should accept a token with the contact scopes (POST /app/token_info)', async () => {
    scope()
      .post('/app/token_info', { access_token: TOKEN })
      .reply(200, { authenticated_userid: 'orgId:77', scope: 'contact_read contact_write account_write' })
    await expect(freshDrift().testAuthentication(settings)).resolves.not.toThrow()
  })

  it('should name the missing scopes', async () => {
    scope().post('/app/token_info').reply(200, { authenticated_userid: 'orgId:77', scope: 'contact_read' })
    await expect(freshDrift().testAuthentication(settings)).rejects.toThrow(
      'The Drift token lacks the contact_write scope'
    )
    scope().post('/app/token_info').reply(200, { scope: '' })
    await expect(freshDrift().testAuthentication(settings)).rejects.toThrow(
      'The Drift token lacks the contact_read and contact_write scopes: add them to the Drift app and use its new token'
    )
  })

  it('should fail on a rejected token without repeating it', async () => {
    scope()
      .post('/app/token_info')
      .reply(401, { error: { message: `Unknown token ${TOKEN}` } })
    const attempt = freshDrift().testAuthentication(settings)
    await expect(attempt).rejects.toThrow('Drift rejected the API token (401)')
    await expect(attempt).rejects.not.toThrow(TOKEN)
  })
})

describe('Drift settings', () => {
  const event = { type: 'track' as const, userId: 'u1', event: 'E' }

  it('should refuse a bad token as an authentication error that does not repeat it', async () => {
    const attempt = freshDrift().testAction('trackEvent', {
      event,
      settings: { apiToken: 'has a space secret-value' },
      useDefaultMappings: true
    })
    await expect(attempt).rejects.toThrow(InvalidAuthenticationError)
    await expect(attempt).rejects.toThrow('apiToken must be printable characters without spaces')
    await expect(attempt).rejects.not.toThrow('secret-value')
  })

  it('should refuse other bad settings as INVALID_SETTINGS naming the setting', async () => {
    const attempt = freshDrift().testAction('trackEvent', {
      event,
      settings: { ...settings, apiBaseUrl: 'http://driftapi.com' },
      useDefaultMappings: true
    })
    await expect(attempt).rejects.toThrow(IntegrationError)
    await expect(attempt).rejects.toMatchObject({ code: 'INVALID_SETTINGS', status: 400 })
    await expect(attempt).rejects.toThrow('apiBaseUrl must use https')
  })

  it('should send requests to the apiBaseUrl setting (the sandbox)', async () => {
    const nock = (await import('nock')).default
    nock('http://127.0.0.1:4010')
      .get('/contacts')
      .query(true)
      .reply(200, { data: [contact(1, { externalId: 'user-1' })] })
    nock('http://127.0.0.1:4010').post('/contacts/timeline').reply(200, {})
    await freshDrift().testAction('trackEvent', {
      event,
      settings: { ...settings, apiBaseUrl: 'http://127.0.0.1:4010/' },
      useDefaultMappings: true
    })
  })
})

describe('Drift.onDelete', () => {
  const deleteSettings = { ...settings }

  const tokenInfo = (scopes: string) =>
    scope()
      .post('/app/token_info', { access_token: TOKEN })
      .reply(200, { authenticated_userid: 'orgId:77', scope: scopes })

  it('should delete only the contacts whose externalId is the user id, and say conversations were not erased without gdpr_write', async () => {
    scope()
      .get('/contacts')
      .query({ idType: 'external', id: 'user-1' })
      .reply(200, {
        data: [
          contact(3, { externalId: 'user-1' }),
          contact(4, { externalId: 'user-1' }),
          contact(5, { externalId: 'user-10' }),
          contact(6, { email: 'someone@example.com' })
        ]
      })
    tokenInfo('contact_read contact_write')
    scope().delete('/contacts/3').reply(200, {})
    scope().delete('/contacts/4').reply(404, {})
    const t = freshDrift()
    const result = await t.onDelete?.({ type: 'delete', userId: 'user-1' }, deleteSettings)
    expect(result).toMatchObject({
      deletedContactIds: ['3'],
      erasedContactIds: [],
      conversationsErased: false,
      output: expect.stringContaining('conversations were not erased (the token lacks gdpr_write)')
    })
  })

  it('should erase by email with POST /gdpr/delete when the token has gdpr_write (asked once), deleting contacts without email', async () => {
    const contacts = [
      contact(3, { externalId: 'user-1', email: 'ada@example.com' }),
      contact(4, { externalId: 'user-1', email: 'ADA@example.com' }),
      contact(7, { externalId: 'user-1' })
    ]
    scope().get('/contacts').query({ idType: 'external', id: 'user-1' }).times(2).reply(200, { data: contacts })
    tokenInfo('contact_read contact_write gdpr_write')
    scope()
      .post('/gdpr/delete', { email: 'ada@example.com' })
      .times(2)
      .reply(200, { data: { message: 'Your delete is processing' } })
    scope().delete('/contacts/7').times(2).reply(200, {})
    const t = freshDrift()
    for (let i = 0; i < 2; i++) {
      const result = await t.onDelete?.({ type: 'delete', userId: 'user-1' }, deleteSettings)
      expect(result).toMatchObject({
        erasedContactIds: ['3', '4'],
        deletedContactIds: ['7'],
        conversationsErased: false
      })
      expect(JSON.stringify(result)).not.toContain('ada@example.com')
    }
  })

  it('should succeed when no contact has the user id', async () => {
    scope().get('/contacts').query({ idType: 'external', id: 'user-2' }).reply(200, { data: [] })
    const result = await freshDrift().onDelete?.({ type: 'delete', userId: 'user-2' }, deleteSettings)
    expect(result).toMatchObject({ deletedContactIds: [], output: expect.stringContaining('nothing to delete') })
  })

  it('should forget the deleted contact, so the next identify looks the user up again', async () => {
    const t = freshDrift()
    scope()
      .get('/contacts')
      .query({ idType: 'external', id: 'user-1' })
      .reply(200, { data: [contact(3)] })
    scope().patch('/contacts/3').reply(200, {})
    await t.testAction('upsertContact', {
      event: { type: 'identify', userId: 'user-1', traits: { plan: 'pro' } },
      settings,
      useDefaultMappings: true
    })
    scope()
      .get('/contacts')
      .query({ idType: 'external', id: 'user-1' })
      .reply(200, { data: [contact(3, { externalId: 'user-1' })] })
    tokenInfo('contact_read contact_write')
    scope().delete('/contacts/3').reply(200, {})
    await t.onDelete?.({ type: 'delete', userId: 'user-1' }, deleteSettings)
    scope().get('/contacts').query({ idType: 'external', id: 'user-1' }).reply(200, { data: [] })
    await expect(
      t.testAction('upsertContact', {
        event: { type: 'identify', userId: 'user-1', traits: { plan: 'pro' } },
        settings,
        useDefaultMappings: true
      })
    ).rejects.toThrow('Drift needs an email to create a contact')
  })

  it('should refuse a deletion without a usable user id', async () => {
    // No request is made: nock allows none here, so a lookup would fail with a different error.
    const noUserId = freshDrift().onDelete?.({ type: 'delete', anonymousId: 'a1' }, deleteSettings)
    await expect(noUserId).rejects.toThrow(PayloadValidationError)
    await expect(noUserId).rejects.toThrow("onDelete needs the user's id: userId must be a string or a finite number")
    const placeholder = freshDrift().onDelete?.({ type: 'delete', userId: 'null' }, deleteSettings)
    await expect(placeholder).rejects.toThrow(PayloadValidationError)
    await expect(placeholder).rejects.toThrow(
      `onDelete needs the user's id: userId must not be a placeholder (null, 0, anonymous…)`
    )
    const blocked = freshDrift().onDelete?.(
      { type: 'delete', userId: 'demo-user' },
      { ...deleteSettings, blockedUserIds: ['Demo-User'] }
    )
    await expect(blocked).rejects.toThrow(PayloadValidationError)
    await expect(blocked).rejects.toThrow(`onDelete needs the user's id: userId must not be a blocked id`)
  })
})
