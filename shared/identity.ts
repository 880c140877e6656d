import { warningReason } from './mapping-warnings'
import { BLANK } from './text'

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

/** The rule `id` breaks first (the text after `userId must`), or undefined. */
function brokenRule(id: string, options: IdentityOptions): string | undefined {
  const lower = id.toLowerCase()
  const number = +id
  // analytics-next and actions-core turn a numeric id into text before we see it: 12345678901234567890 arrives
  // as "12345678901234567000", and several users would share it. An integer beyond 2^53 whose text reads back
  // unchanged is such a rounded number.
  if (Number.isInteger(number) && !Number.isSafeInteger(number) && String(number) === id) {
    return 'be exact: send large numeric ids as text'
  }
  // Zero-width and other format characters alone look blank: '\u200b' would be one shared "invisible" user.
  if (BLANK.test(id)) return 'not be blank'
  // It would not match the same user elsewhere.
  if (id.trim() !== id) return 'not have spaces around it'
  // The number written out: the minifier then folds the constant away (a test holds the two together).
  if (id.length > MAX_USER_ID_LENGTH) return 'be at most 256 characters'
  // Control characters, and lone surrogates: URLs and JSON encoders turn those into U+FFFD, so two ids become one.
  if (/[\p{Cc}\p{Cs}]/u.test(id)) return 'be valid Unicode without control characters'
  if (PLACEHOLDER_IDS.includes(lower)) return 'not be a placeholder (null, 0, anonymous…)'
  if (options.blockedIds?.some((blocked) => blocked.toLowerCase() === lower)) return 'not be a blocked id'
}

/** Checks a user id before it reaches Drift. Numbers become strings; anything that cannot be unique is refused. */
export function guardUserId(value: unknown, options: IdentityOptions = {}): IdentityCheck {
  const valid = typeof value === 'string' || Number.isFinite(value)
  const id = valid ? String(value) : ''
  const broken = valid ? brokenRule(id, options) : 'be a string or a finite number'
  if (broken) return { ok: false, reason: 'userId must ' + broken }
  // An email-shaped id is guessable: only a signed identity keeps its chats private.
  return EMAIL.test(id) && !options.signed ? { ok: true, id, warning: warningReason('email-id') } : { ok: true, id }
}
