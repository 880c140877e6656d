import type { MappingWarning } from './types'

/**
 * What the mapping core says when it drops, changes or refuses a value: a short code plus a detail (`not-data
 * Map`, `too-deep 10`), spelled out in development builds only, as React does (a bundle that defines
 * `process.env.NODE_ENV` as "production" leaves these texts out; `%` is where the detail goes). The codes are
 * listed in docs/mapping.md.
 */
// Read when the module loads; inline, not through a shared constant, so a consumer's bundler folds it.
const TEXTS =
  process.env.NODE_ENV !== 'production'
    ? {
        'not-an-object': 'expected an object of traits or properties, got %',
        'not-data': '% is not JSON data',
        'not-finite': '% is not a finite number',
        bigint: 'BigInt sent as a string',
        'not-iso-date': '"%" is a date attribute and this is no ISO-8601 date',
        'not-a-date': '"%" is a date attribute and takes a Date, an ISO-8601 string or a timestamp',
        seconds: '"%": Unix seconds sent as milliseconds',
        'unsafe-key': 'the key "%" is never copied (prototype safety)',
        'unsafe-name': '"%" is never an attribute name (prototype safety)',
        'name-surrogates': 'unpaired UTF-16 surrogates in the name replaced with U+FFFD',
        surrogates: 'unpaired UTF-16 surrogates replaced with U+FFFD',
        cut: 'string cut to % characters',
        'too-deep': 'nested deeper than % levels',
        threw: 'reading the value threw',
        'array-item': 'array item % skipped',
        json: 'array holding objects sent as one JSON string',
        replaced: 'replaced "%" that came from a deeper key path (the shallower path wins)',
        collision: '"%" already came from a key path as shallow or shallower',
        'too-many': 'more than % attributes',
        unread: 'more than % values: the rest of the input was not read',
        'more-warnings': '% more warnings not listed',
        blocked: 'blocked by blockedAttributes ("%")',
        // Contact and company mapping.
        'user-id': 'the user id travels on its own (as externalId), not as a trait',
        'given-too': '"%" was given too, and wins',
        'no-text': '"%" must be a string and this value has no text form',
        'as-text': '"%" is a string attribute: sent as text',
        trimmed: 'spaces around the email removed',
        'group-id': 'the company id is the group id',
        // The identity guard's warning (its refusals are the same in every build: identity.ts).
        'email-id':
          'the user id is an email address: it is guessable, so use a signed identity (userJwt) to keep chats private'
      }
    : undefined

/** Codes that read well as they are have no text. */
export type WarningCode =
  | keyof NonNullable<typeof TEXTS>
  | 'null'
  | 'undefined'
  | 'invalid Date'
  | 'empty object'
  | 'empty key'
  | 'circular reference'
  | 'blank email'
export type WarningDetail = string | number | undefined

/** The reason for a code: the development text, or in production `code detail`. */
export function warningReason(code: WarningCode, detail?: WarningDetail): string {
  const text: string | undefined = TEXTS?.[code as keyof typeof TEXTS]
  // A function replacer: a detail holding `$&` stays as it is.
  if (text !== undefined) return text.replace('%', () => String(detail))
  return detail === undefined ? code : `${code} ${detail}`
}

export function warning(
  path: string,
  action: MappingWarning['action'],
  code: WarningCode,
  detail?: WarningDetail
): MappingWarning {
  return { path, action, reason: warningReason(code, detail) }
}

/** Beyond this many warnings only a count is kept, so hostile input cannot grow memory without bound. */
export const MAX_WARNINGS = 100
