import { isNullish } from '../../../shared/absent'
import type { DeviceSettings } from '../../../shared/settings-rules'
import { prefixed, type Log } from './types'

/** Asks the `signedIdentity` resolver, at most `signedIdentityTimeoutMs`; never logs the token, only why none. */
export async function resolveToken(
  { signedIdentity, signedIdentityTimeoutMs: ms }: DeviceSettings,
  id: string,
  log: Log
): Promise<string | undefined> {
  if (!signedIdentity) return
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    const token = await new Promise((resolve, reject) => {
      timer = setTimeout(
        reject,
        ms,
        new Error(process.env.NODE_ENV !== 'production' ? `no answer within ${ms} ms (signedIdentityTimeoutMs)` : '')
      )
      Promise.resolve(id).then(signedIdentity).then(resolve, reject)
    })
    // No token (undefined, null, '') is an answer too: the identify goes unsigned.
    if (typeof token === 'string' || isNullish(token)) return token || undefined
    throw new Error(process.env.NODE_ENV !== 'production' ? 'it returned something other than a string' : '')
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
