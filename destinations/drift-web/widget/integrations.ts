import type { Context } from '@segment/analytics-next'
import { isAbsent, isNullish } from '../../../shared/absent'
import { prefixed, type Log } from './types'

/** The catalog name of the browser destination; its action plugins are named after it. */
export const DESTINATION_NAME = 'Drift Web (Actions)'

/**
 * The keys under which an event's `integrations` may address Drift, for both faces: the plugin's name and the
 * catalog name. It is one widget either way.
 */
export const DRIFT_KEYS = ['Drift', DESTINATION_NAME]

/** Keys a signed identity may arrive under in `integrations.Drift` (Drift's docs say userJwt). */
const TOKEN_KEYS = ['userJwt', 'signedIdentity', 'jwt']

/** `integrations[key]` for the first key given (`integrations` may be anything an event carries). */
function driftOption(integrations: unknown): unknown {
  for (const key of DRIFT_KEYS) {
    const value = (integrations as Record<string, unknown> | undefined)?.[key]
    if (value !== undefined) return value
  }
}

/**
 * Whether an event is kept from Drift: `integrations.Drift === false`, or `All: false` without a Drift entry
 * (analytics-next's own rule; checked here again because a browser destination's plugins carry other names).
 * Said in the event's log.
 */
export function keptFromDrift(ctx: Context): boolean {
  const integrations = ctx.event.integrations
  const option = driftOption(integrations)
  const off = isNullish(option) ? integrations?.All === false : option === false
  if (off)
    ctx.log(
      'debug',
      prefixed(process.env.NODE_ENV !== 'production' ? 'not sent: integrations.Drift is false' : 'integrations-off')
    )
  return off
}

/**
 * The signed identity (JWT) an event carries in `integrations.Drift`, if any. Without one, a token under one of
 * our keys that is not a string, or under a key we do not read (`userJWT`), is reported to `log`: an identify
 * would otherwise go out unsigned without a word. The value itself is never logged.
 */
export function tokenFromIntegrations(integrations: unknown, log: Log): string | undefined {
  const given = driftOption(integrations) as Record<string, unknown> | undefined
  for (const key of TOKEN_KEYS) if (typeof given?.[key] === 'string' && given[key]) return given[key] as string
  // `for in` reads no keys of undefined, null or a boolean.
  for (const key in given) {
    const ours = TOKEN_KEYS.includes(key)
    if (ours ? !isAbsent(given[key]) : /jwt|signed|token/i.test(key)) {
      // In production the warning names the key only.
      const ignored = `integrations.Drift.${key} ignored`
      log(
        'warn',
        prefixed(
          process.env.NODE_ENV !== 'production'
            ? ignored +
                (ours
                  ? ': a signed identity must be a non-empty string'
                  : `: the signed identity goes under ${TOKEN_KEYS.join(', ')}`)
            : ignored
        )
      )
    }
  }
}
