import { RetryableError, createTestIntegration, type SegmentEvent } from '@segment/actions-core'
import definition, { onDriftRequest, resetDriftCaches, retryAfterMsOf } from '../../destinations/drift'
import { DEFAULT_SANDBOX_TOKEN, FIRST_CONTACT_ID, SANDBOX_ORG_ID, startSandbox, variantMatrix } from '../../sandbox'
import type { Sandbox } from '../../sandbox'

// Cloud mode against every plausible Drift: each behaviour Drift does not document is answered each plausible way by
// the sandbox (variants.ts), and the paths that depend on it must deliver or refuse with a reason, never lose an
// event. Real HTTP to the sandbox on 127.0.0.1.

jest.setTimeout(30_000)

let sandbox: Sandbox
const routes: string[] = []
let unsubscribe: () => void

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: false })
  unsubscribe = onDriftRequest((r) => routes.push(r.route))
})
afterAll(async () => {
  unsubscribe()
  await sandbox.close()
})

const settings = () => ({ apiToken: DEFAULT_SANDBOX_TOKEN, apiBaseUrl: sandbox.url, accountOwnerId: '1' })
const identify = (userId: string, traits: Record<string, unknown>) =>
  ({ type: 'identify', userId, traits }) as Partial<SegmentEvent>
const track = (userId: string, event: string, email?: string) =>
  ({
    type: 'track',
    userId,
    event,
    properties: { n: 1 },
    ...(email ? { context: { traits: { email } } } : {})
  }) as Partial<SegmentEvent>

/** A contact Drift has that this process never saw (created before a restart, or by another tool). */
function seedContact(externalId: string, email: string): number {
  const id = sandbox.state.nextContactId++
  sandbox.state.contacts.push({ id, createdAt: 1668615901358, attributes: { externalId, email } })
  return id
}

describe.each(variantMatrix().map((row) => [row.name, row] as const))(
  'Drift cloud mode, sandbox variant %s',
  (_name, row) => {
    beforeEach(() => {
      sandbox.reset()
      sandbox.setVariants(row.variants)
      sandbox.setFaults({ rateLimitRate: 0 })
      resetDriftCaches()
      routes.length = 0
    })

    it('should update a contact Drift has but this process never saw (cold cache), never create a second', async () => {
      const id = seedContact('u-old', 'old@example.com')
      const t = createTestIntegration(definition)
      await t.testAction('upsertContact', {
        event: identify('u-old', { email: 'old@example.com', plan: 'pro', createdAt: '2022-11-16T16:25:01.358Z' }),
        settings: settings(),
        useDefaultMappings: true
      })
      expect(t.results[t.results.length - 1].data).toMatchObject({ contactId: String(id), action: 'updated' })
      expect(sandbox.state.contacts).toHaveLength(1)
      expect(sandbox.state.contacts[0].attributes).toMatchObject({ plan: 'pro', start_date: 1668615901358 })
    })

    it('should resolve two identifies racing to create the same new user into one contact, both delivered', async () => {
      const run = (plan: string) =>
        createTestIntegration(definition).testAction('upsertContact', {
          event: identify('u-race', { email: 'race@example.com', plan }),
          settings: settings(),
          useDefaultMappings: true
        })
      await Promise.all([run('a'), run('b')])
      expect(sandbox.state.contacts).toHaveLength(1)
      expect(sandbox.state.contacts[0].id).toBe(FIRST_CONTACT_ID)
    })

    it('should skip an identify that would write what was last written: no request', async () => {
      const t = createTestIntegration(definition)
      const event = identify('u-same', { email: 'same@example.com', plan: 'pro' })
      await t.testAction('upsertContact', { event, settings: settings(), useDefaultMappings: true })
      const before = routes.length
      await t.testAction('upsertContact', { event, settings: settings(), useDefaultMappings: true })
      expect(t.results[t.results.length - 1].data).toMatchObject({ action: 'skipped' })
      expect(routes.length).toBe(before)
    })

    it('should update an account synced from a CRM (the domain exists, never seen here)', async () => {
      sandbox.state.accounts.push({
        accountId: `${SANDBOX_ORG_ID}_crm.example`,
        ownerId: 1,
        domain: 'crm.example',
        customProperties: [{ name: 'tier', value: 'gold' }],
        targeted: false,
        createDateTime: 1,
        updateDateTime: 1
      })
      const t = createTestIntegration(definition)
      await t.testAction('upsertAccount', {
        event: { type: 'group', userId: 'u1', groupId: 'g', traits: { website: 'https://crm.example', seats: 9 } },
        settings: settings(),
        useDefaultMappings: true
      })
      expect(t.results[t.results.length - 1].data).toMatchObject({
        accountId: `${SANDBOX_ORG_ID}_crm.example`,
        action: 'updated'
      })
      expect(sandbox.state.accounts).toHaveLength(1)
      const names = sandbox.state.accounts[0].customProperties.map((p) => p.name).sort()
      // Drift does not say whether an update merges custom properties or replaces the list: both are shown as they are.
      expect(names).toEqual(row.variants.accountCustomProperties === 'merged' ? ['seats', 'tier'] : ['seats'])
    })

    it('should never report success for an event Drift could drop: unknown users are confirmed or created first', async () => {
      const t = createTestIntegration(definition)
      // Unknown, no email: refused with a reason, nothing posted.
      await expect(
        t.testAction('trackEvent', { event: track('u-none', 'A'), settings: settings(), useDefaultMappings: true })
      ).rejects.toThrow('Drift has no contact with externalId "u-none" yet')
      // Unknown with an email: created, then posted. Known (cold cache): confirmed, then posted.
      seedContact('u-known', 'known@example.com')
      await t.testAction('trackEvent', {
        event: track('u-new', 'B', 'new@example.com'),
        settings: settings(),
        useDefaultMappings: true
      })
      await t.testAction('trackEvent', { event: track('u-known', 'C'), settings: settings(), useDefaultMappings: true })
      expect(sandbox.state.timeline.map((e) => e.event).sort()).toEqual(['B', 'C'])
      expect(sandbox.counts()['timeline dropped'] ?? 0).toBe(0)
    })

    it('should cost one request per event once the user is known (steady state)', async () => {
      seedContact('u-steady', 'steady@example.com')
      const t = createTestIntegration(definition)
      await t.testAction('trackEvent', {
        event: track('u-steady', 'first'),
        settings: settings(),
        useDefaultMappings: true
      })
      const before = routes.length
      for (let i = 0; i < 5; i++) {
        await t.testAction('trackEvent', {
          event: track('u-steady', `e${i}`),
          settings: settings(),
          useDefaultMappings: true
        })
      }
      expect(routes.slice(before)).toEqual(Array(5).fill('POST /contacts/timeline'))
      expect(sandbox.state.timeline).toHaveLength(6)
    })

    it('should turn a 429 into a retryable error, exposing Retry-After exactly when Drift sends it', async () => {
      seedContact('u-429', 'limit@example.com')
      sandbox.setFaults({ rateLimitRate: 1, retryAfterSeconds: 3 })
      const attempt = createTestIntegration(definition).testAction('trackEvent', {
        event: track('u-429', 'x'),
        settings: settings(),
        useDefaultMappings: true
      })
      await expect(attempt).rejects.toThrow(RetryableError)
      const error = await attempt.catch((e: unknown) => e)
      expect(retryAfterMsOf(error)).toBe(row.variants.retryAfter === 'sent' ? 3000 : undefined)
    })

    it('should erase a deleted user with POST /gdpr/delete (the sandbox token has gdpr_write), only that user', async () => {
      seedContact('u-gone', 'gone@example.com')
      seedContact('u-stays', 'stays@example.com')
      const result = await createTestIntegration(definition).onDelete?.(
        { type: 'delete', userId: 'u-gone' },
        settings()
      )
      expect(result).toMatchObject({ erasedContactIds: [String(FIRST_CONTACT_ID)], conversationsErased: true })
      expect(sandbox.state.contacts.map((c) => c.attributes.externalId)).toEqual(['u-stays'])
      expect(routes).toContain('POST /gdpr/delete')
    })
  }
)
