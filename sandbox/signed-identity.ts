import { createHmac, timingSafeEqual } from 'node:crypto'
import { isNullish } from '../shared/absent'
import { isRecord } from '../shared/record'

// Drift's signed identities: an HS256 JWT whose `sub` is the user id, signed with the secret from Drift's
// settings. The sandbox signs (for tests and demos) and verifies them; tokens are never stored or logged.

const base64url = (input: Buffer | string): string => Buffer.from(input).toString('base64url')

function hmac(data: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(data).digest()
}

/** Signs `{ sub: userId, iat, exp? }` with HS256. */
export function signIdentity(
  userId: string | number,
  secret: string,
  options: { expiresInSeconds?: number } = {}
): string {
  if (!secret) throw new Error('signIdentity needs a secret')
  const iat = Math.floor(Date.now() / 1000)
  const claims: Record<string, unknown> = { sub: String(userId), iat }
  if (options.expiresInSeconds !== undefined) claims.exp = iat + options.expiresInSeconds
  const head = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))
  const body = base64url(JSON.stringify(claims))
  return `${head}.${body}.${base64url(hmac(`${head}.${body}`, secret))}`
}

export interface IdentityVerification {
  verified: boolean
  reason: string
}

function parseJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
    return isRecord(value) ? value : undefined
  } catch {
    return undefined
  }
}

/** Checks an HS256 token for `userId`: signature (timing-safe), `sub` equal to the user id, `exp` and `nbf` when present. */
export function verifyIdentity(
  token: string,
  userId: unknown,
  secret: string | undefined,
  nowMs = Date.now()
): IdentityVerification {
  if (!secret) return { verified: false, reason: 'the sandbox has no signedIdentitySecret to check tokens with' }
  const parts = token.split('.')
  if (parts.length !== 3) return { verified: false, reason: 'not a JWT (expected three dot-separated parts)' }
  const [head, body, signature] = parts
  const header = parseJson(head)
  if (!header || header.alg !== 'HS256') return { verified: false, reason: 'the JWT header must say alg HS256' }
  const expected = hmac(`${head}.${body}`, secret)
  const given = Buffer.from(signature, 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { verified: false, reason: 'bad signature' }
  }
  const claims = parseJson(body)
  if (!claims) return { verified: false, reason: 'the JWT payload is not a JSON object' }
  if (isNullish(userId) || claims.sub !== String(userId)) {
    return { verified: false, reason: 'sub does not equal the identified user id' }
  }
  const nowSeconds = nowMs / 1000
  if (claims.exp !== undefined && !(typeof claims.exp === 'number' && claims.exp > nowSeconds)) {
    return { verified: false, reason: 'the token has expired' }
  }
  if (claims.nbf !== undefined && !(typeof claims.nbf === 'number' && claims.nbf <= nowSeconds)) {
    return { verified: false, reason: 'the token is not valid yet (nbf)' }
  }
  return { verified: true, reason: 'valid HS256 signature for this user id' }
}
