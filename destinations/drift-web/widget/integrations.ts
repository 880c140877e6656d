import type { Context } from '@segment/analytics-next'
import { PREFIX, type Log } from './types'

/** The keys under which an event's `integrations` may address this destination. */
export const DRIFT_KEYS = ['Drift']

/** Keys a signed identity may arrive under in `integrations.Drift` (Drift's docs say userJwt). */
const TOKEN_KEYS = ['userJwt', 'signedIdentity', 'jwt']

type Integrations = Record<string, unknown> | undefined

function driftOption(integrations: Integrations, keys: readonly string[]): unknown {
  for (const key of keys) if (integrations?.[key] !== undefined) return integrations[key]
  return undefined
}

/**
 * Whether an event is kept from Drift: `integrations.Drift === false`, or `All: false` without a Drift entry
 * (analytics-next's own rule; checked here again because a browser destination's plugins carry other names).
 */
export function isDriftDisabled(integrations: unknown, keys: readonly string[] = DRIFT_KEYS): boolean {
  if (typeof integrations !== 'object' || integrations === null) return false
  const option = driftOption(integrations as Integrations, keys)
  if (option !== undefined && option !== null) return option === false
  return (integrations as Record<string, unknown>).All === false
}

/** `isDriftDisabled` for an event being delivered, saying so in the event's log when it is kept from Drift. */
export function keptFromDrift(ctx: Context, keys: readonly string[] = DRIFT_KEYS): boolean {
  const off = isDriftDisabled(ctx.event.integrations, keys)
  if (off) ctx.log('debug', `${PREFIX} not sent: integrations.Drift is false`)
  return off
}

/**
 * The signed identity (JWT) an event carries in `integrations.Drift`, if any. A token under one of our keys that
 * is not a string, or under a key we do not read (`userJWT`), is reported to `log`: an identify would otherwise
 * go out unsigned without a word. The value itself is never logged.
 */
export function tokenFromIntegrations(
  integrations: unknown,
  keys: readonly string[] = DRIFT_KEYS,
  log?: Log
): string | undefined {
  const option = driftOption(integrations as Integrations, keys)
  if (typeof option !== 'object' || option === null) return undefined
  const given = option as Record<string, unknown>
  for (const key of TOKEN_KEYS) {
    const value = given[key]
    if (typeof value === 'string' && value !== '') return value
    if (value !== undefined && value !== null && value !== '') {
      log?.('warn', `${PREFIX} integrations.Drift.${key} ignored: a signed identity must be a non-empty string`)
    }
  }
  const unread = Object.keys(given).filter((key) => !TOKEN_KEYS.includes(key) && /jwt|signed|token/i.test(key))
  for (const key of unread) {
    log?.(
      'warn',
      `${PREFIX} integrations.Drift.${key} ignored: the signed identity goes under ${TOKEN_KEYS.join(', ')}`
    )
  }
  return undefined
}
