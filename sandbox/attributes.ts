import type { AttributeType, FlatValue } from './types'

// Drift creates unknown contact attributes on first write with an inferred type. How Drift infers it is not
// documented; these rules are the sandbox's guess (see the README, "Drift sandbox").

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/
/** Names that usually hold a date (created_at, start_date, lastSeenAt, ...). */
const DATE_LIKE_NAME = /(date|time|_at|At)$/
/** Epoch milliseconds between 2001 and 2286: numbers this size under a date-like name are taken as DATETIME. */
const MIN_EPOCH_MS = 1e12
const MAX_EPOCH_MS = 1e13

export function inferAttributeType(name: string, value: FlatValue): AttributeType | undefined {
  if (value === null) return undefined
  if (typeof value === 'boolean') return 'BOOLEAN'
  if (typeof value === 'number') {
    const looksLikeEpochMs = value >= MIN_EPOCH_MS && value < MAX_EPOCH_MS
    return looksLikeEpochMs && DATE_LIKE_NAME.test(name) ? 'DATETIME' : 'NUMERIC'
  }
  if (ISO_DATE.test(value)) return 'DATE'
  if (ISO_DATETIME.test(value)) return 'DATETIME'
  return 'STRING'
}

/** 'first_name' -> 'First Name', 'lastSeenAt' -> 'Last Seen At'. */
export function displayName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[_\s-]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join(' ')
}
