import http from 'http'
import type { AddressInfo } from 'net'
import nock from 'nock'
import type { SegmentEvent } from '@segment/actions-core'
import { onDriftRequest } from '..'
import { forEachWithConcurrency } from '../batch'
import { afterTest, freshDrift, settings as baseSettings, setUpNock } from './helpers'

setUpNock()

/**
 * Just enough of Drift, in memory, for contacts and timeline events: a real HTTP server on 127.0.0.1 (a few
 * times faster than nock for a stream of a thousand requests).
 */
async function startFakeDrift() {
  const contacts = new Map<number, { externalId?: string; email?: string }>()
  let nextId = 1000
  const byExternalId = (externalId: string) => [...contacts].filter(([, c]) => c.externalId === externalId)

  function answer(method: string, url: URL, body: Record<string, unknown>): [number, unknown] {
    if (method === 'GET' && url.pathname === '/contacts') {
      const found = byExternalId(url.searchParams.get('id') ?? '')
      return [200, { data: found.map(([id, attributes]) => ({ id, attributes })) }]
    }
    if (method === 'POST' && url.pathname === '/contacts') {
      const attributes = body.attributes as { externalId?: string; email?: string }
      if (attributes.externalId && byExternalId(attributes.externalId).length > 0) return [409, { error: {} }]
      const id = nextId++
      contacts.set(id, { externalId: attributes.externalId, email: attributes.email })
      return [200, { data: { id, attributes } }]
    }
    const patch = /^\/contacts\/(\d+)$/.exec(url.pathname)
    if (method === 'PATCH' && patch) {
      return contacts.has(Number(patch[1])) ? [200, { data: { id: Number(patch[1]) } }] : [404, { error: {} }]
    }
    if (method === 'POST' && url.pathname === '/contacts/timeline') {
      return byExternalId(String(body.externalId)).length > 0 ? [200, { data: {} }] : [404, { error: {} }]
    }
    return [400, { error: { message: `unexpected ${method} ${url.pathname}` } }]
  }

  const server = http.createServer((request, response) => {
    let text = ''
    request.on('data', (chunk: Buffer) => (text += chunk.toString()))
    request.on('end', () => {
      let status = 401
      let body: unknown = { error: { message: 'no token' } }
      try {
        if (request.headers.authorization === `Bearer ${baseSettings.apiToken}`) {
          ;[status, body] = answer(
            request.method ?? '',
            new URL(request.url ?? '/', 'http://x'),
            JSON.parse(text || '{}')
          )
        }
      } catch (error) {
        ;[status, body] = [500, { error: { message: String(error) } }]
      }
      response.writeHead(status, { 'content-type': 'application/json' })
      response.end(JSON.stringify(body))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()))
  return { contacts, apiBaseUrl: `http://127.0.0.1:${port}`, close }
}

const USERS = 300
const userIds = Array.from({ length: USERS }, (_, i) => `user-${i}`)

function identify(userId: string, plan: string): Partial<SegmentEvent> {
  return { type: 'identify', userId, traits: { email: `${userId}@example.com`, plan } }
}

describe('Drift request cost', () => {
  it('should cost one request per track, page and known-user identify in steady state', async () => {
    nock.enableNetConnect('127.0.0.1')
    const fake = await startFakeDrift()
    afterTest(() => {
      nock.disableNetConnect()
      void fake.close()
    })
    const settings = { ...baseSettings, apiBaseUrl: fake.apiBaseUrl }
    const contacts = fake.contacts
    const t = freshDrift()
    const routes = new Map<string, number>()
    afterTest(onDriftRequest(({ route }) => routes.set(route, (routes.get(route) ?? 0) + 1)))
    const count = () => [...routes.values()].reduce((a, b) => a + b, 0)

    // Warm-up, in batches of 100: each new user costs a lookup and a create.
    for (let start = 0; start < USERS; start += 100) {
      const events = userIds.slice(start, start + 100).map((userId) => identify(userId, 'free')) as SegmentEvent[]
      await t.testBatchAction('upsertContact', { events, settings, useDefaultMappings: true })
    }
    expect(contacts.size).toBe(USERS)
    expect(Object.fromEntries(routes)).toEqual({ 'GET /contacts': USERS, 'POST /contacts': USERS })

    // Steady state: a mixed stream, one event at a time (each user's events in order, 10 users at once).
    routes.clear()
    let events = 0
    const timestamp = '2024-01-01T00:00:00.000Z'
    await forEachWithConcurrency(userIds, 10, async (userId) => {
      await t.testAction('trackEvent', {
        event: { type: 'track', userId, event: 'Clicked', timestamp, properties: { plan: 'free' } },
        settings,
        useDefaultMappings: true
      })
      await t.testAction('upsertContact', { event: identify(userId, 'pro'), settings, useDefaultMappings: true })
      await t.testAction('trackPage', {
        event: { type: 'page', userId, name: 'Home', timestamp, properties: { path: '/' } },
        settings,
        useDefaultMappings: true
      })
      events += 3
    })
    expect(Object.fromEntries(routes)).toEqual({
      'POST /contacts/timeline': 2 * USERS,
      'PATCH /contacts/:id': USERS
    })
    expect(count()).toBe(events)

    // A batch of identifies for known users: one PATCH per user, however many identifies each has.
    routes.clear()
    const batch = userIds
      .slice(0, 50)
      .flatMap((userId) => [identify(userId, 'a'), identify(userId, 'b')]) as SegmentEvent[]
    await t.testBatchAction('upsertContact', { events: batch, settings, useDefaultMappings: true })
    expect(t.results[0].multistatus?.every((entry) => entry.status === 200)).toBe(true)
    expect(Object.fromEntries(routes)).toEqual({ 'PATCH /contacts/:id': 50 })
  }, 60_000)
})
