import type { MappingWarning } from './types'

/**
 * What the mapping core says when it drops or changes a value. A reason is a short code plus a detail (`not-data
 * Map`, `too-deep 10`); development builds spell it out, as React does: a bundle that defines
 * `process.env.NODE_ENV` as "production" leaves these texts out (`%` is where the detail goes).
 */
const TEXTS =
  typeof process !== 'undefined' && process.env.NODE_ENV !== 'production'
    ? {
        'not-an-object': 'expected an object of traits or properties, got %',
        'not-data': '% is not JSON data',
        'not-finite': '% is not a finite number',
        bigint: 'BigInt sent as a string',
        'not-iso-date': '"%" is a date attribute and this is no ISO-8601 date',
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
        blocked: 'blocked by blockedAttributes ("%")'
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
export type WarningDetail = string | number | undefined

export function warningReason(code: WarningCode, detail?: WarningDetail): string {
  const text: string | undefined = TEXTS?.[code as keyof typeof TEXTS]
  if (text !== undefined) return text.replace('%', String(detail))
  return detail === undefined ? code : `${code} ${detail}`
}

/** Beyond this many warnings only a count is kept, so hostile input cannot grow memory without bound. */
export const MAX_WARNINGS = 100

/** The warnings of one mapping, bounded by MAX_WARNINGS. */
export class WarningList {
  private readonly warnings: MappingWarning[] = []
  private unlisted = 0

  add(path: string, action: MappingWarning['action'], code: WarningCode, detail?: WarningDetail): undefined {
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push({ path, action, reason: warningReason(code, detail) })
    else this.unlisted++
  }

  /** A warning listed even past the limit (the input was not read to the end: the caller must learn it). */
  always(path: string, action: MappingWarning['action'], code: WarningCode, detail?: WarningDetail): void {
    this.warnings.push({ path, action, reason: warningReason(code, detail) })
  }

  /** The warnings, and how many more there were. */
  list(): MappingWarning[] {
    if (this.unlisted > 0) this.always('', 'dropped', 'more-warnings', this.unlisted)
    this.unlisted = 0
    return this.warnings
  }
}
