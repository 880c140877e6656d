/**
 * Attribute names, each one record per text, and the joined names by parent name ('' at the top) and key. Events
 * repeat one shape: a name built once is hashed and checked once (`npm run bench`: flattening is about 1.8x
 * slower without it), and its record says whether the flattening under way already stored it, so a collision is
 * found without a lookup in the result. Only well-formed names that may be sent (not unsafe, not blocked) are
 * kept by key (flatten.ts), so a name found there needs no more checks.
 */
export interface AttributeName {
  readonly text: string
  /** The flattening (a count) that last stored this name, and the depth of the key path it came from. */
  call: number
  depth: number
}

const BY_TEXT = new Map<string, AttributeName>()
/** Longer names are never kept by key, and their records last one flattening: rare, and they would hold memory. */
const MAX_KEPT_LENGTH = 200
const LONG = new Map<string, AttributeName>()
const JOINED = new Map<string, Map<string, AttributeName>>()
/** Names kept at most (hostile input may invent endless names): past it, none more by key until emptied. */
const MAX_JOINED = 20_000
let joinedSeparator = ''
let joinedBlocklist: object | undefined
let joinedCount = 0
let calls = 0

/**
 * Starts a flattening with a separator and a compiled blocklist (another one, or a full cache, empties the
 * records: only between flattenings, so that a name has one record throughout one). Returns its number.
 */
export function beginNames(separator: string, blocklist: object | undefined): number {
  if (LONG.size > 0) LONG.clear()
  if (
    separator !== joinedSeparator ||
    blocklist !== joinedBlocklist ||
    joinedCount > MAX_JOINED ||
    BY_TEXT.size > MAX_JOINED
  ) {
    JOINED.clear()
    BY_TEXT.clear()
    joinedSeparator = separator
    joinedBlocklist = blocklist
    joinedCount = 0
  }
  return ++calls
}

const recordsOf = (text: string) => (text.length > MAX_KEPT_LENGTH ? LONG : BY_TEXT)

/** The record of `text`, if it has one (a name without one was not stored by the flattening under way). */
export const knownName = (text: string): AttributeName | undefined => recordsOf(text).get(text)

/** The record of `text`, made when it has none. */
export function nameRecord(text: string): AttributeName {
  let record = knownName(text)
  if (record === undefined) recordsOf(text).set(text, (record = { text, call: 0, depth: 0 }))
  return record
}

/** The names under `parent` by key. */
export function namesUnder(parent: string): Map<string, AttributeName> {
  let names = JOINED.get(parent)
  if (names === undefined) JOINED.set(parent, (names = new Map()))
  return names
}

/** Keeps a name under its key (not a long one); its record, if kept. */
export function rememberName(names: Map<string, AttributeName>, key: string, text: string) {
  if (text.length > MAX_KEPT_LENGTH || joinedCount > MAX_JOINED) return undefined
  const record = nameRecord(text)
  names.set(key, record)
  joinedCount++
  return record
}
