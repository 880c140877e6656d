import { guardUserId } from '../../../shared/identity'
import { isAbsent } from '../../../shared/absent'
import type { DeviceSettings } from '../../../shared/settings-rules'
import type { DriftAttributes } from '../../../shared/types'
import { prefixed, type DriftWidget, type KnownUser, type Log } from './types'

/** The last identify sent: `id` + a key of its attributes (dedupe, user switch), and whether it was signed. */
export interface Identified {
  id: string
  key: string
  signed: boolean
}

/**
 * `drift.identify(id, attributes, { userJwt })` for a user with an id, unless the identity guard refuses the id,
 * a required signed identity is missing, or it repeats the last identify. A user switch resets Drift first.
 * Returns the identity sent, or undefined when nothing was sent (said in `log`; `once` for the console).
 */
export async function signedIdentify(
  settings: DeviceSettings,
  widget: () => DriftWidget,
  last: Identified | undefined,
  user: KnownUser,
  attributes: DriftAttributes,
  log: Log,
  once: (message: string) => void
): Promise<Identified | undefined> {
  // Unsigned: its warning (an email as id) is said only if no token turns up.
  const guard = guardUserId(user.userId, { blockedIds: settings.blockedUserIds })
  if (!guard.ok) return void log('warn', prefixed(`identify not sent: ${guard.reason}`))
  const id = guard.id
  // Attributes are flat: the sorted keys as the replacer give the same key in any key order.
  const key = JSON.stringify(attributes, Object.keys(attributes).sort())
  const same = last?.id === id && last.key === key
  // Sent before, signed: not the resolver again (nor the contact). A signed one after an unsigned one proves it.
  const token = same && last.signed ? undefined : (user.token ?? (await resolveToken(settings, id, log)))
  if (same && (last.signed || !token)) {
    return void log(
      'debug',
      prefixed(
        process.env.NODE_ENV !== 'production'
          ? 'identify skipped: same user and attributes as the last one sent'
          : 'identify-duplicate'
      )
    )
  }
  if (guard.warning && !token) log('warn', prefixed(guard.warning))
  if (settings.requireSignedIdentity && !token) {
    // A refusal: the same text in production.
    const message = prefixed('identify not sent: requireSignedIdentity needs a signed identity')
    log('warn', message)
    return void once(message)
  }
  const drift = widget() // asked now: the real widget may have replaced the stub while the resolver ran
  if (last && last.id !== id) drift.reset()
  drift.identify(id, attributes, ...(token ? [{ userJwt: token }] : []))
  return { id, key, signed: !!token }
}

/** Asks the `signedIdentity` resolver, at most `signedIdentityTimeoutMs`; never logs the token, only why none. */
async function resolveToken(
  { signedIdentity, signedIdentityTimeoutMs: ms }: DeviceSettings,
  id: string,
  log: Log
): Promise<string | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    const token =
      signedIdentity &&
      (await new Promise((resolve, reject) => {
        timer = setTimeout(
          reject,
          ms,
          new Error(process.env.NODE_ENV !== 'production' ? `no answer within ${ms} ms (signedIdentityTimeoutMs)` : '')
        )
        Promise.resolve(id).then(signedIdentity).then(resolve, reject)
      }))
    if (typeof token === 'string' && token) return token
    if (!isAbsent(token)) {
      throw new Error(process.env.NODE_ENV !== 'production' ? 'it returned something other than a string' : '')
    }
  } catch (error) {
    log(
      'warn',
      prefixed(
        process.env.NODE_ENV !== 'production'
          ? `the signedIdentity resolver gave no token: ${(error as Error).message}`
          : 'no-token'
      )
    )
  } finally {
    clearTimeout(timer)
  }
}
