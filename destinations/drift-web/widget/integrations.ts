import type { Context } from '@segment/analytics-next'
import { isAbsent } from '../../../shared/absent'
import { prefixed } from './types'

/** The catalog name of the browser destination; its action plugins are named after it. */
export const DESTINATION_NAME = 'Drift Web (Actions)'

/** Keys a signed identity may arrive under in `integrations.Drift` (Drift's docs say userJwt). */
const TOKEN_KEYS = ['userJwt', 'signedIdentity', 'jwt']

/**
 * What an event's `integrations` says to Drift, under the plugin's name or the catalog name (one widget either
 * way). `integrations` may be anything an event carries.
 */
const driftOption = (ctx: Context): unknown => {
  const integrations = ctx.event.integrations as Record<string, unknown> | undefined
  return integrations?.Drift ?? integrations?.[DESTINATION_NAME]
}

/**
 * Whether an event is kept from Drift: `integrations.Drift === false`, or `All: false` without a Drift entry
 * (analytics-next's own rule; checked here again because a browser destination's plugins carry other names).
 * Said in the event's log.
 */
export function keptFromDrift(ctx: Context): boolean {
  const option = driftOption(ctx)
  const off = option === false || (option == null && ctx.event.integrations?.All === false)
  if (off) {
    ctx.log(
      'debug',
      prefixed(process.env.NODE_ENV !== 'production' ? 'not sent: integrations.Drift is false' : 'integrations-off')
    )
  }
  return off
}

/**
 * The signed identity (JWT) an event carries in `integrations.Drift`, if any. Without one, a token under one of
 * our keys that is not a string, or under a key we do not read (`userJWT`), is reported to the event's log: an
 * identify would otherwise go out unsigned without a word. The value itself is never logged.
 */
export function tokenFromIntegrations(ctx: Context): string | undefined {
  const given = (driftOption(ctx) ?? {}) as Record<string, unknown>
  const token = TOKEN_KEYS.map((key) => given[key]).find((value) => typeof value === 'string' && value)
  if (token) return token as string
  // `for in` reads no keys of a boolean. Our keys all match the pattern: here their value is no string.
  for (const key in given) {
    if (/jwt|signed|token/i.test(key) && !isAbsent(given[key])) {
      // In production the warning names the key only.
      ctx.log(
        'warn',
        prefixed(
          `integrations.Drift.${key} ignored` +
            (process.env.NODE_ENV === 'production'
              ? ''
              : TOKEN_KEYS.includes(key)
                ? ': a signed identity must be a non-empty string'
                : `: the signed identity goes under ${TOKEN_KEYS.join(', ')}`)
        )
      )
    }
  }
}
