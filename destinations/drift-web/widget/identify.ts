import { DEV } from '../../../shared/dev'
import { guardUserId } from '../../../shared/identity'
import { isAbsent } from '../../../shared/absent'
import type { DeviceSettings } from '../../../shared/settings-rules'
import type { DriftAttributes } from '../../../shared/types'
import { PREFIX, warning, type DriftWidget, type KnownUser, type Log } from './types'

/** The last identify sent: `id` + a key of its attributes (dedupe, user switch), and whether it was signed. */
export interface Identified {
  id: string
  key: string
  signed: boolean
}

const DUPLICATE = warning(
  DEV ? 'identify skipped: same user and attributes as the last one sent' : 'identify-duplicate'
)

/** The same attributes in any key order give the same key. */
const stableKey = (attributes: DriftAttributes) =>
  JSON.stringify(
    Object.keys(attributes)
      .sort()
      .map((key) => [key, attributes[key]])
  )

/** The same user and attributes as the last identify sent, and that one was signed if this one is. */
const isLast = (last: Identified | undefined, id: string, key: string, signed: boolean) =>
  !!last && last.id === id && last.key === key && (last.signed || !signed)

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
  const key = stableKey(attributes)
  // Already sent, signed: no need to ask the resolver again (nor to write the contact again).
  if (isLast(last, String(user.userId), key, true)) return void log('debug', DUPLICATE)
  const token = user.token ?? (await resolveToken(settings, user.userId, log))
  const signed = token !== undefined
  const guard = guardUserId(user.userId, { blockedIds: settings.blockedUserIds, signed })
  if (!guard.ok) return void log('warn', `${PREFIX} identify not sent: ${guard.reason}`)
  if (guard.warning) log('warn', `${PREFIX} ${guard.warning}`)
  if (settings.requireSignedIdentity && !signed) {
    // A refusal: the same text in production.
    const message = warning('identify not sent: requireSignedIdentity needs a signed identity')
    log('warn', message)
    return void once(message)
  }
  if (isLast(last, guard.id, key, signed)) return void log('debug', DUPLICATE)
  const drift = widget() // asked now: the real widget may have replaced the stub while the resolver ran
  if (last && last.id !== guard.id) drift.reset()
  if (token) drift.identify(guard.id, attributes, { userJwt: token })
  else drift.identify(guard.id, attributes)
  return { id: guard.id, key, signed }
}

/** Asks the `signedIdentity` resolver, at most `signedIdentityTimeoutMs`; never logs the token, only why none. */
async function resolveToken(settings: DeviceSettings, userId: unknown, log: Log): Promise<string | undefined> {
  const { signedIdentity: resolver, signedIdentityTimeoutMs: ms } = settings
  if (!resolver || (typeof userId !== 'string' && typeof userId !== 'number')) return
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    const token = await Promise.race([
      Promise.resolve(String(userId)).then(resolver),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(DEV ? `no answer within ${ms} ms (signedIdentityTimeoutMs)` : '')),
          ms
        )
      })
    ])
    if (typeof token === 'string' && token) return token
    if (!isAbsent(token)) throw new Error(DEV ? 'it returned something other than a string' : '')
  } catch (error) {
    log('warn', warning(DEV ? `the signedIdentity resolver gave no token: ${(error as Error).message}` : 'no-token'))
  } finally {
    clearTimeout(timer)
  }
}
