/**
 * JSON from Drift, with integers too big for a double kept exact: Drift's contact ids are 64-bit integers, and
 * `JSON.parse` would round them. Such integers come back as strings of digits; everything else is unchanged.
 */
export function parseJsonKeepingBigIntegers(text: string): unknown {
  return JSON.parse(quoteUnsafeIntegers(text))
}

/** Wraps every integer literal outside strings that is not a safe integer in quotes. */
function quoteUnsafeIntegers(text: string): string {
  let out = ''
  let i = 0
  while (i < text.length) {
    const char = text[i]
    if (char === '"') {
      const end = endOfString(text, i)
      out += text.slice(i, end)
      i = end
      continue
    }
    if (char === '-' || (char >= '0' && char <= '9')) {
      const match = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400))
      const literal = match ? match[0] : char
      const isInteger = match !== null && match[1] === undefined && match[2] === undefined
      out += isInteger && !Number.isSafeInteger(Number(literal)) ? `"${literal}"` : literal
      i += literal.length
      continue
    }
    out += char
    i++
  }
  return out
}

/** Index just past the string literal that starts at `start` (a `"`), honouring backslash escapes. */
function endOfString(text: string, start: number): number {
  let i = start + 1
  while (i < text.length) {
    if (text[i] === '\\') i += 2
    else if (text[i] === '"') return i + 1
    else i++
  }
  return text.length
}

/** A Drift id as an exact decimal string: a safe integer number or a string of digits; otherwise undefined. */
export function toExactId(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? String(value) : undefined
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return value
  return undefined
}

/** Orders two decimal id strings numerically without arithmetic (shorter is smaller, then character order). */
export function compareIds(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '')
  const y = b.replace(/^0+(?=\d)/, '')
  if (x.length !== y.length) return x.length - y.length
  return x < y ? -1 : x > y ? 1 : 0
}
