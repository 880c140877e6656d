import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_VARIANTS, parseVariants, startSandbox, variantMatrix, variantsFromArgs, type Sandbox } from '..'
import { call } from './helpers'

let dir: string
let sandbox: Sandbox
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drift-variants-'))
  sandbox = await startSandbox({ rateLimit: false })
})
afterAll(async () => {
  await sandbox.close()
  await rm(dir, { recursive: true, force: true })
})
beforeEach(() => {
  sandbox.reset()
  sandbox.setVariants(DEFAULT_VARIANTS)
  sandbox.setFaults({ rateLimitRate: 0 })
})

const createAda = () =>
  call(sandbox.url, 'POST', '/contacts', { attributes: { email: 'ada@example.com', externalId: 'u1' } })

describe('sandbox variants: checking', () => {
  it('should name the field and the allowed choices for a bad value or an unknown variant', () => {
    expect(() => parseVariants({ lookupShape: 'array' })).toThrow('variants.lookupShape must be one of list, object')
    expect(() => parseVariants({ lookupShap: 'list' })).toThrow(/known variants only .*got lookupShap/)
    expect(() => sandbox.setVariants({ unknownTimeline: '500' as never })).toThrow(
      'variants.unknownTimeline must be one of 404, 400, 200-dropped'
    )
    const flags: Record<string, string> = { '--lookup-shape': 'object', '--retry-after': 'absent' }
    expect(variantsFromArgs((flag) => flags[flag])).toEqual({ lookupShape: 'object', retryAfter: 'absent' })
    expect(() => variantsFromArgs((flag) => (flag === '--duplicate-account' ? '500' : undefined))).toThrow(
      '--duplicate-account must be one of 409-with-id, 400-without-id'
    )
  })

  it('should list the default and then each other choice once, as the benchmark rows', () => {
    const names = variantMatrix().map((row) => row.name)
    expect(names[0]).toBe('default')
    expect(new Set(names).size).toBe(names.length)
    expect(names).toContain('unknownTimeline=200-dropped')
    expect(names).toHaveLength(9)
  })

  it('should read variants from the state file, let options win, and save them back', async () => {
    const stateFile = join(dir, 'state.json')
    const state = { version: 1, contacts: [], accounts: [], timeline: [], widgetCalls: [] }
    await writeFile(stateFile, JSON.stringify({ ...state, variants: { lookupShape: 'object', retryAfter: 'absent' } }))
    const fromFile = await startSandbox({ stateFile, variants: { retryAfter: 'sent' } })
    expect(fromFile.variants()).toMatchObject({ lookupShape: 'object', retryAfter: 'sent' })
    await fromFile.close()
    expect(JSON.parse(await readFile(stateFile, 'utf8')).variants).toMatchObject({ lookupShape: 'object' })
    await writeFile(stateFile, JSON.stringify({ ...state, variants: { duplicateContact: 'maybe' } }))
    await expect(startSandbox({ stateFile })).rejects.toThrow(
      `stateFile ${stateFile}: variants.duplicateContact must be one of 409-with-id, 409-without-id, 400-message`
    )
  })

  it('should change variants over the admin route, refusing bad ones', async () => {
    expect((await call(sandbox.url, 'POST', '/_sandbox/variants', { lookupShape: 'object' })).body).toMatchObject({
      lookupShape: 'object'
    })
    const bad = await call(sandbox.url, 'POST', '/_sandbox/variants', { lookupShape: 'tree' })
    expect(bad.status).toBe(400)
    expect(bad.body.error.message).toBe('variants.lookupShape must be one of list, object')
  })
})

describe('sandbox variants: answers', () => {
  it('should answer lookups as a list or as one object (404 when none)', async () => {
    await createAda()
    const list = await call(sandbox.url, 'GET', '/contacts?idType=external&id=u1')
    expect(Array.isArray(list.body.data)).toBe(true)
    sandbox.setVariants({ lookupShape: 'object' })
    const one = await call(sandbox.url, 'GET', '/contacts?idType=external&id=u1')
    expect(one.body.data).toMatchObject({ attributes: { externalId: 'u1' } })
    expect((await call(sandbox.url, 'GET', '/contacts?idType=external&id=nobody')).status).toBe(404)
  })

  it.each([
    ['409-with-id', 409, true],
    ['409-without-id', 409, false],
    ['400-message', 400, false]
  ] as const)('should answer a duplicate contact %s', async (variant, status, withId) => {
    sandbox.setVariants({ duplicateContact: variant })
    await createAda()
    const again = await createAda()
    expect(again.status).toBe(status)
    expect(again.body.error.message).toMatch(/already exists/)
    expect('existingContactId' in again.body.error).toBe(withId)
  })

  it('should answer a duplicate account domain with an id (409) or without (400)', async () => {
    const account = { ownerId: 1, domain: 'acme.com' }
    await call(sandbox.url, 'POST', '/accounts/create', account)
    expect((await call(sandbox.url, 'POST', '/accounts/create', account)).body.error).toMatchObject({
      existingAccountId: '1000_acme.com'
    })
    sandbox.setVariants({ duplicateAccount: '400-without-id' })
    const again = await call(sandbox.url, 'POST', '/accounts/create', account)
    expect(again.status).toBe(400)
    expect(again.body.error).not.toHaveProperty('existingAccountId')
  })

  it('should answer a timeline event for an unknown externalId 404, 400, or 200 while dropping it', async () => {
    const event = { externalId: 'ghost', event: 'Seen' }
    expect((await call(sandbox.url, 'POST', '/contacts/timeline', event)).status).toBe(404)
    sandbox.setVariants({ unknownTimeline: '400' })
    expect((await call(sandbox.url, 'POST', '/contacts/timeline', event)).status).toBe(400)
    sandbox.setVariants({ unknownTimeline: '200-dropped' })
    expect((await call(sandbox.url, 'POST', '/contacts/timeline', event)).status).toBe(200)
    expect(sandbox.state.timeline).toHaveLength(0)
    expect(sandbox.counts()['timeline dropped']).toBe(1)
  })

  it('should merge account custom properties by name, or replace the list', async () => {
    const prop = (name: string, value: string) => ({ name, value })
    for (const mode of ['merged', 'replaced'] as const) {
      sandbox.reset()
      sandbox.setVariants({ accountCustomProperties: mode })
      await call(sandbox.url, 'POST', '/accounts/create', {
        ownerId: 1,
        domain: 'a.com',
        customProperties: [prop('x', '1')]
      })
      await call(sandbox.url, 'PATCH', '/accounts/update', {
        accountId: '1000_a.com',
        customProperties: [prop('y', '2')]
      })
      const names = sandbox.state.accounts[0].customProperties.map((p) => p.name)
      expect(names).toEqual(mode === 'merged' ? ['x', 'y'] : ['y'])
    }
  })

  it('should send Retry-After on 429s, or not', async () => {
    sandbox.setFaults({ rateLimitRate: 1, retryAfterSeconds: 2 })
    expect((await createAda()).headers.get('retry-after')).toBe('2')
    sandbox.setVariants({ retryAfter: 'absent' })
    const answer = await createAda()
    expect(answer.status).toBe(429)
    expect(answer.headers.get('retry-after')).toBeNull()
  })
})
