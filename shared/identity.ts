import { isWellFormed } from './text'

/**
 * The identity guard. Drift ties a visitor to the id given to `identify`; visitors who share an id see each
 * other's chats. So an id that cannot be unique to one person is refused, never sent.
 */

/** Ids that are placeholders rather than people (compared case-insensitively, after trimming). */
export const PLACEHOLDER_IDS: readonly string[] = [
  'undefined',
  'null',
  'nan',
  '[object object]',
  'anonymous',
  'none',
  'nil',
  'true',
  'false',
  '0',
  '-1'
]

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
  let id: string
  if (typeof value === 'string') {
    // analytics-next and actions-core turn a numeric id into text before we see it: 12345678901234567890 arrives
    // as "12345678901234567000". Digits beyond 2^53 that read back unchanged are such a rounded number.
    if (
      /^(\d{16,}|\d(\.\d+)?e\+\d+)$/.test(value) &&
      !Number.isSafeInteger(Number(value)) &&
      String(Number(value)) === value
    ) {
      return refuse('looks like a number too large to be exact, so several users would share it: send ids as strings')
    }
    id = value
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) return refuse(`${value} is not a usable id`)
    // 12345678901234567890 arrives as 12345678901234567000: several users would share it.
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
      return refuse('is a number too large to be exact: send it as a string')
    }
    id = String(value)
  } else {
    return refuse(`must be a string or a number, got ${value === null ? 'null' : typeof value}`)
  }

  const trimmed = id.trim()
  if (trimmed === '' || INVISIBLE_ONLY.test(id)) return refuse('is empty or blank')
  if (trimmed !== id)
    return refuse('has leading or trailing white space, so it would not match the same user elsewhere')
  if (id.length > MAX_USER_ID_LENGTH) return refuse(`is longer than ${MAX_USER_ID_LENGTH} characters`)
  if (CONTROL_CHARACTERS.test(id)) return refuse('contains control characters')
  // URLs and JSON encoders turn a lone surrogate into U+FFFD, so two such ids could become one user.
  if (!isWellFormed(id)) return refuse('contains an unpaired UTF-16 surrogate (not valid Unicode)')
  const lower = id.toLowerCase()
  if (PLACEHOLDER_IDS.includes(lower)) return refuse(`"${id}" is a placeholder, not a unique id`)
  if (options.blockedIds?.some((blocked) => blocked.toLowerCase() === lower)) {
    return refuse(`"${id}" is on the blocked ids list`)
  }
  if (EMAIL.test(id) && !options.signed) {
    return {
      ok: true,
      id,
      warning:
        'the user id is an email address: it is guessable, so use a signed identity (userJwt) to keep chats private'
    }
  }
  return { ok: true, id }
}

function refuse(rule: string): IdentityCheck {
  return { ok: false, reason: `userId ${rule}` }
}
