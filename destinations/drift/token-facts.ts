import type { CloudSettings } from '../../shared'
import { cacheScope, tokenFacts, type TokenFacts } from './caches'
import type { DriftApi } from './drift-api'

/** What `POST /app/token_info` says about the token (scopes, orgId): asked once per token per hour, then cached. */
export async function tokenFactsOf(api: DriftApi, settings: CloudSettings): Promise<TokenFacts> {
  const key = cacheScope(settings)
  const known = tokenFacts.get(key)
  if (known) return known
  const { scopes, orgId } = await api.tokenInfo()
  const facts: TokenFacts = orgId === undefined ? { scopes } : { scopes, orgId }
  tokenFacts.set(key, facts)
  return facts
}
