import { DEV } from '../../../shared/dev'
import type { Context } from '@segment/analytics-next'
import { isAbsent, isNullish } from '../../../shared/absent'
import { warning, type Log } from './types'

/** The keys under which an event's `integrations` may address this destination. */
export const DRIFT_KEYS = ['Drift']

/** Keys a signed identity may arrive under in `integrations.Drift` (Drift's docs say userJwt). */
const TOKEN_KEYS = ['userJwt', 'signedIdentity', 'jwt']

/** `integrations[key]` for the first of `keys` given (`integrations` may be anything an event carries). */
function driftOption(integrations: unknown, keys: readonly string[]): unknown {
  const given = integrations as Record<string, unknown> | undefined
  for (const key of keys) if (given?.[key] !== undefined) return given[key]
}

/**
 * Whether an event is kept from Drift: `integrations.Drift === false`, or `All: false` without a Drift entry
 * (analytics-next's own rule; checked here again because a browser destination's plugins carry other names).
 * Said in the event's log.
 */
export function keptFromDrift(ctx: Context, keys: readonly string[] = DRIFT_KEYS): boolean {
  const integrations = ctx.event.integrations
  if (typeof integrations !== 'object' || integrations === null) return false
  const option = driftOption(integrations, keys)
  const off = !isNullish(option) ? option === false : (integrations as { All?: unknown }).All === false
  if (off) ctx.log('debug', warning(DEV ? 'not sent: integrations.Drift is false' : 'integrations-off'))
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
  log: Log = () => {}
): string | undefined {
  const given = driftOption(integrations, keys)
  if (typeof given !== 'object' || given === null) return undefined
  // Our keys first, in order; then any other key that looks like a token, to say it is not read.
  const others = Object.keys(given).filter((key) => !TOKEN_KEYS.includes(key))
  for (const key of [...TOKEN_KEYS, ...others]) {
    const value = (given as Record<string, unknown>)[key]
    const ours = TOKEN_KEYS.includes(key)
    if (ours && typeof value === 'string' && value !== '') return value
    if (ours ? !isAbsent(value) : /jwt|signed|token/i.test(key)) {
      // In production the warning names the key only.
      const why = DEV
        ? ': ' +
          (ours
            ? 'a signed identity must be a non-empty string'
            : `the signed identity goes under ${TOKEN_KEYS.join(', ')}`)
        : ''
      log('warn', warning(`integrations.Drift.${key} ignored${why}`))
    }
  }
  return undefined
}
