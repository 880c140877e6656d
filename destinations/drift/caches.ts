import { createHash } from 'crypto'
import { LRUCache } from 'lru-cache'
import { emailKeyOf, type CloudSettings } from '../../shared'

/**
 * Process-wide caches, so steady traffic costs one request per event: Drift contact ids by external id (or
 * email) with a fingerprint of the attributes last written, ids of the accounts this process created, updated
 * or found by domain, and what token_info said about each token. Keys are scoped by the API base URL and a hash
 * of the token, never the token itself, so two workspaces never share an entry.
 */
export const CONTACT_CACHE_SIZE = 50_000
export const ACCOUNT_CACHE_SIZE = 10_000
/** token_info is asked again after this long (a token's scopes can change when the Drift app is edited). */
export const TOKEN_INFO_TTL_MS = 60 * 60 * 1000

export interface KnownContact {
  /** Exactly as Drift sent it (decimal digits). */
  id: string
  /** Hash of the attributes this process last wrote to the contact; absent until the first write. */
  fingerprint?: string
}

export interface TokenFacts {
  scopes: string[]
  /** The organisation id from `authenticated_userid: "orgId:<N>"`, when Drift sent one. */
  orgId?: string
}

export const contactIds = new LRUCache<string, KnownContact>({ max: CONTACT_CACHE_SIZE })
/** Account ids as Drift sent them (a string or a number). */
export const accountIds = new LRUCache<string, string | number>({ max: ACCOUNT_CACHE_SIZE })
export const tokenFacts = new LRUCache<string, TokenFacts>({ max: 100, ttl: TOKEN_INFO_TTL_MS })

/** `apiBaseUrl#<first 16 hex of sha256(token)>`: which Drift organisation an entry belongs to. */
export function cacheScope(settings: Pick<CloudSettings, 'apiBaseUrl' | 'apiToken'>): string {
  return `${settings.apiBaseUrl}#${createHash('sha256').update(settings.apiToken).digest('hex').slice(0, 16)}`
}

export const externalIdKey = (scope: string, externalId: string): string => `${scope}|externalId|${externalId}`
export const emailKey = (scope: string, email: string): string => `${scope}|email|${emailKeyOf(email) ?? ''}`
export const domainKey = (scope: string, domain: string): string => `${scope}|domain|${domain}`

/** A stable hash of attributes: the same keys and values in any order give the same fingerprint. */
export function fingerprintOf(attributes: Record<string, unknown>): string {
  const sorted = Object.keys(attributes)
    .sort()
    .map((key) => [key, attributes[key]])
  return createHash('sha256').update(JSON.stringify(sorted)).digest('base64url').slice(0, 22)
}

/** Empties every cache (tests, or after contacts were changed outside this process). */
export function resetDriftCaches(): void {
  contactIds.clear()
  accountIds.clear()
  tokenFacts.clear()
}
