import nock from 'nock'
import { createTestIntegration } from '@segment/actions-core'
import definition, { resetDriftCaches } from '..'
import type { Settings } from '../generated-types'

export const BASE = 'https://driftapi.com'
export const TOKEN = 'test-token-9f8e7d6c5b4a'
export const settings: Settings = { apiToken: TOKEN }

/** A fresh test integration and empty caches: `responses` and cached ids never leak between tests. */
export function freshDrift() {
  resetDriftCaches()
  return createTestIntegration(definition)
}

/** Nock scope for Drift that also checks the bearer token on every request. */
export function scope() {
  return nock(BASE, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
}

export function contact(id: number | string, attributes: Record<string, unknown> = {}, createdAt = 1700000000000) {
  return { id, createdAt, attributes }
}

export function setUpNock(): void {
  beforeAll(() => nock.disableNetConnect())
  afterAll(() => nock.enableNetConnect())
  beforeEach(() => nock.cleanAll())
  afterEach(() => {
    const pending = nock.pendingMocks()
    nock.cleanAll()
    expect(pending).toEqual([])
  })
}

const cleanups: Array<() => void> = []
/** Runs `cleanup` after the current test, even when it fails (e.g. to unsubscribe a listener). */
export function afterTest(cleanup: () => void): void {
  cleanups.push(cleanup)
}
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.()
})

/** Drift's answer to the one lookup a timeline action makes for a user id it has no contact for yet. */
export function lookup(externalId: string, contacts: ReturnType<typeof contact>[]) {
  return scope().get('/contacts').query({ idType: 'external', id: externalId }).reply(200, { data: contacts })
}

/** The cold-cache lookup finds the user's contact. */
export function knownUser(externalId: string, id = 1) {
  return lookup(externalId, [contact(id, { externalId })])
}
