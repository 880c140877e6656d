/**
 * Joined attribute names, by parent name ('' at the top) and key: events repeat one shape, and a name built once
 * is hashed once. Measured (`npm run bench`): flattening is about 1.8x slower without it. Bounded: cleared when
 * full. Only well-formed names that may be sent (not unsafe, not blocked) are kept (flatten.ts), so a name found
 * here needs no more checks.
 */
const JOINED = new Map<string, Map<string, string>>()
let joinedSeparator = ''
let joinedBlocklist: object | undefined
let joinedCount = 0

/** The names under `parent` for a separator and a compiled blocklist (another list empties the cache). */
export function namesUnder(separator: string, blocklist: object | undefined, parent: string): Map<string, string> {
  if (separator !== joinedSeparator || blocklist !== joinedBlocklist || joinedCount > 20_000) {
    JOINED.clear()
    joinedSeparator = separator
    joinedBlocklist = blocklist
    joinedCount = 0
  }
  let names = JOINED.get(parent)
  if (names === undefined) JOINED.set(parent, (names = new Map()))
  return names
}

/** Keeps a name (short ones: a long name is rare and would hold memory). */
export function rememberName(names: Map<string, string>, key: string, name: string): void {
  if (name.length <= 200) {
    names.set(key, name)
    joinedCount++
  }
}
