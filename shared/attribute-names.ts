/**
 * Joined attribute names, by parent name and key: events repeat one shape, and a name built once is hashed once.
 * Measured (`npm run bench`): flattening is about 1.8x slower without it. Bounded: cleared when full.
 */
const JOINED = new Map<string, Map<string, string>>()
let joinedSeparator = ''
let joinedCount = 0

export function namesUnder(separator: string, parent: string): Map<string, string> {
  if (separator !== joinedSeparator || joinedCount > 20_000) {
    JOINED.clear()
    joinedSeparator = separator
    joinedCount = 0
  }
  let names = JOINED.get(parent)
  if (names === undefined) JOINED.set(parent, (names = new Map()))
  return names
}

export function joinName(
  names: Map<string, string>,
  parent: string,
  separator: string,
  key: string,
  part: string
): string {
  let name = names.get(key)
  if (name === undefined) {
    name = parent + separator + part
    if (name.length <= 200) {
      names.set(key, name)
      joinedCount++
    }
  }
  return name
}
