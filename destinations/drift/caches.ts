import { createHash } from 'crypto'
import type { CloudSettings } from '../../shared'
import { LruCache } from './lru-cache'

/**
 * Process-wide caches, so steady traffic costs one request per event: Drift contact ids by external id (or
 * email), and ids of the accounts this process created or updated by domain (Drift cannot look accounts up
 * by domain). Keys are scoped by the API base URL and a hash of the token, never the token itself, so two
 * workspaces never share an entry.
 */
export const CONTACT_CACHE_SIZE = 50_000
export const ACCOUNT_CACHE_SIZE = 10_000

/** Contact ids exactly as Drift sent them (decimal digits). */
export const contactIds = new LruCache<string>(CONTACT_CACHE_SIZE)
/** Account ids as Drift sent them (a string or a number). */
export const accountIds = new LruCache<string | number>(ACCOUNT_CACHE_SIZE)

/** `apiBaseUrl#<first 16 hex of sha256(token)>`: which Drift organisation an entry belongs to. */
export function cacheScope(settings: Pick<CloudSettings, 'apiBaseUrl' | 'apiToken'>): string {
  return `${settings.apiBaseUrl}#${createHash('sha256').update(settings.apiToken).digest('hex').slice(0, 16)}`
}

export const externalIdKey = (scope: string, externalId: string): string => `${scope}|externalId|${externalId}`
export const emailKey = (scope: string, email: string): string => `${scope}|email|${email.trim().toLowerCase()}`
export const domainKey = (scope: string, domain: string): string => `${scope}|domain|${domain}`

/** Empties every cache (tests, or after contacts were changed outside this process). */
export function resetDriftCaches(): void {
  contactIds.clear()
  accountIds.clear()
}
