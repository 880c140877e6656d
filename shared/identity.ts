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

/**
 * The rules an id (as text) must pass, in order: a refusal is `userId` and the rule, the same in every build.
 * Each test gives true when the id breaks the rule.
 */
const RULES: Array<[(id: string, lower: string, options: IdentityOptions) => unknown, string]> = [
  // analytics-next and actions-core turn a numeric id into text before we see it: 12345678901234567890 arrives
  // as "12345678901234567000", and several users would share it. Digits beyond 2^53 that read back unchanged
  // are such a rounded number.
  [
    (id) => /^-?(\d{16,}|\d(\.\d+)?e\+\d+)$/.test(id) && !Number.isSafeInteger(+id) && String(+id) === id,
    'must be exact: send large numeric ids as text'
  ],
  // Zero-width and other format characters alone look blank: '\u200b' would be one shared "invisible" user.
  [(id) => BLANK.test(id), 'must not be blank'],
  // It would not match the same user elsewhere.
  [(id) => id.trim() !== id, 'must not have spaces around it'],
  [(id) => id.length > MAX_USER_ID_LENGTH, `must be at most ${MAX_USER_ID_LENGTH} characters`],
  // Control characters, and lone surrogates: URLs and JSON encoders turn those into U+FFFD, so two ids become one.
  [(id) => /[\p{Cc}\p{Cs}]/u.test(id), 'must be valid Unicode without control characters'],
  [(_, lower) => PLACEHOLDER_IDS.includes(lower), 'must not be a placeholder (null, 0, anonymous…)'],
  [(_, lower, options) => options.blockedIds?.some((id) => id.toLowerCase() === lower), 'must not be a blocked id']
]

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** Checks a user id before it reaches Drift. Numbers become strings; anything that cannot be unique is refused. */
export function guardUserId(value: unknown, options: IdentityOptions = {}): IdentityCheck {
  if (typeof value === 'number' ? !Number.isFinite(value) : typeof value !== 'string') {
    return { ok: false, reason: 'userId must be a string or a finite number' }
  }
  const id = String(value)
  const broken = RULES.find(([breaks]) => breaks(id, id.toLowerCase(), options))
  if (broken) return { ok: false, reason: `userId ${broken[1]}` }
  // An email-shaped id is guessable: only a signed identity keeps its chats private.
  return EMAIL.test(id) && !options.signed ? { ok: true, id, warning: warningReason('email-id') } : { ok: true, id }
}
