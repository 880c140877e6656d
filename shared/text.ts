/** Text rules the mapping core applies to names, values and ids: well-formed UTF-16, cut without splitting a pair. */

const hasIsWellFormed = typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'

/** Blank: nothing but white space and invisible format characters (zero-width space, BOM, …). */
export const BLANK = /^[\s\p{Cf}]*$/u

/** Whether a string has no lone UTF-16 surrogate (URLs and JSON encoders would turn one into U+FFFD). */
export function isWellFormed(text: string): boolean {
  // A method call, not `.call`: V8 inlines it, and the flattener runs it for every key and string.
  return hasIsWellFormed ? (text as unknown as { isWellFormed(): boolean }).isWellFormed() : !/\p{Cs}/u.test(text)
}

/** Lone surrogates replaced with U+FFFD, as String.prototype.toWellFormed does. */
export function toWellFormed(text: string): string {
  // With the u flag a pair is one code point: only a lone surrogate is a code point of category Cs.
  return text.replace(/\p{Cs}/gu, '\uFFFD')
}

/** The first `length` UTF-16 units, one fewer when the cut would split a surrogate pair. */
export function cutText(text: string, length: number): string {
  const code = text.charCodeAt(length - 1)
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? length - 1 : length)
}
