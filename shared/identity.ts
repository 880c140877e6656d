import { warningReason, type WarningCode, type WarningDetail } from './mapping-warnings'
import { isWellFormed } from './text'

/**
 * The identity guard. Drift ties a visitor to the id given to `identify`; visitors who share an id see each
 * other's chats. So an id that cannot be unique to one person is refused, never sent.
 */

/** Ids that are placeholders rather than people (compared case-insensitively, after trimming). */
export const PLACEHOLDER_IDS: readonly string[] =
  'undefined,null,nan,[object object],anonymous,none,nil,true,false,0,-1'.split(',')

/** Longer ids are refused: nobody's real id is this long, and Drift's limit is undocumented. [guess] */
export const MAX_USER_ID_LENGTH = 256

export interface IdentityOptions {
  /** More ids to refuse, e.g. a shared demo account (compared case-insensitively). */
  blockedIds?: readonly string[]
  /** Whether a signed identity (JWT) accompanies the id; an email-shaped id is only guessable without one. */
  signed?: boolean
}

export type IdentityCheck = { ok: true; id: string; warning?: string } | { ok: false; reason: string }

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/
// Zero-width and other format characters alone look blank: '\u200b' would be one shared "invisible" user.
const INVISIBLE_ONLY = /^[\s\p{Cf}]+$/u

/** Checks a user id before it reaches Drift. Numbers become strings; anything that cannot be unique is refused. */
export function guardUserId(value: unknown, options: IdentityOptions = {}): IdentityCheck {
  const refuse = (code: WarningCode, detail?: WarningDetail): IdentityCheck => ({
    ok: false,
    reason: `userId ${warningReason(code, detail)}`
  })
  const type = value === null ? 'null' : typeof value
  if (type !== 'string' && type !== 'number') return refuse('not-an-id', type)
  const id = String(value)
  if (type === 'number') {
    if (!Number.isFinite(value)) return refuse('not-finite', id)
    // 12345678901234567890 arrives as 12345678901234567000: several users would share it.
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) return refuse('rounded')
  } else if (/^(\d{16,}|\d(\.\d+)?e\+\d+)$/.test(id) && !Number.isSafeInteger(+id) && String(+id) === id) {
    // analytics-next and actions-core turn a numeric id into text before we see it: 12345678901234567890 arrives
    // as "12345678901234567000". Digits beyond 2^53 that read back unchanged are such a rounded number.
    return refuse('rounded-text')
  }
  const lower = id.toLowerCase()
  if (INVISIBLE_ONLY.test(id) || id === '') return refuse('blank')
  if (id.trim() !== id) return refuse('spaces')
  if (id.length > MAX_USER_ID_LENGTH) return refuse('too-long', MAX_USER_ID_LENGTH)
  if (CONTROL_CHARACTERS.test(id)) return refuse('control')
  // URLs and JSON encoders turn a lone surrogate into U+FFFD, so two such ids could become one user.
  if (!isWellFormed(id)) return refuse('lone-surrogate')
  if (PLACEHOLDER_IDS.includes(lower)) return refuse('placeholder', id)
  if (options.blockedIds?.some((blocked) => blocked.toLowerCase() === lower)) return refuse('blocked-id', id)
  // An email-shaped id is guessable: only a signed identity keeps its chats private.
  return EMAIL.test(id) && !options.signed ? { ok: true, id, warning: warningReason('email-id') } : { ok: true, id }
}
