import { isAbsent } from '../../../shared/absent'
import type { DeviceSettings } from '../../../shared/settings-rules'
import { prefixed, type Log } from './types'

/** Asks the `signedIdentity` resolver, at most `signedIdentityTimeoutMs`; never logs the token, only why none. */
export async function resolveToken(
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
