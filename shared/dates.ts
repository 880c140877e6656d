import type { DateUnit } from './types'

/** A Date as a Unix timestamp in `unit`, or undefined when the date is invalid. */
export function dateToTimestamp(date: Date, unit: DateUnit): number | undefined {
  const ms = date.getTime()
  if (!Number.isFinite(ms)) return undefined
  return unit === 'seconds' ? Math.floor(ms / 1000) : ms
}

// ISO-8601 date or date-time: 2024-01-31, 2024-01-31T10:20:30Z, 2024-01-31T10:20:30.123+02:00
const ISO_8601 = /^(\d{4}-\d\d-(\d\d))(T\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?)?(Z|[+-]\d\d:?\d\d)?$/

/**
 * An ISO-8601 string as a Date, or undefined when it is not ISO-8601 or not a real date.
 * A date-time without an offset is read as UTC, so the browser and the server agree whatever their time zone.
 */
export function parseIsoDate(text: string): Date | undefined {
  const match = ISO_8601.exec(text.trim())
  // A real calendar day: engines may quietly turn 2024-02-30 into March 1st, a day of another number. The date
  // alone, in UTC, as an ISO string: years 0-99 stay themselves (Date.UTC would read them as 1900-1999).
  if (!match || new Date(`${match[1]}T00:00Z`).getUTCDate() !== +match[2]) return undefined
  const date = new Date(match[1] + (match[3] ?? 'T00:00') + (match[4] ?? 'Z'))
  return Number.isNaN(date.getTime()) ? undefined : date
}

/** A Date or an ISO-8601 string as a timestamp in `unit`; undefined when it is not a valid date. */
export function toTimestamp(value: unknown, unit: DateUnit): number | undefined {
  const date = typeof value === 'string' ? parseIsoDate(value) : value instanceof Date ? value : undefined
  return date && dateToTimestamp(date, unit)
}

/** Below this, a number given for a Drift date attribute is Unix seconds: 1e11 ms is March 1973, 1e11 s year 5138. */
const SECONDS_BELOW = 1e11

/**
 * A value for one of Drift's own date attributes (`start_date`, `last_active`) in epoch milliseconds, Drift's
 * unit: a Date, an ISO-8601 string, or a number (Unix seconds are recognised and converted: `seconds` says so).
 * Undefined when the value is none of these.
 */
export function toDriftDateMs(value: unknown): { ms: number; seconds: boolean } | undefined {
  const seconds = typeof value === 'number' && Math.abs(value) < SECONDS_BELOW
  const ms = typeof value === 'number' ? Math.round(seconds ? value * 1000 : value) : toTimestamp(value, 'milliseconds')
  return Number.isFinite(ms) ? { ms: ms as number, seconds } : undefined
}
