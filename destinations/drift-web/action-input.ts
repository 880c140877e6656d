import { isAbsent, isNullish } from '../../shared/absent'
import { isRecord } from '../../shared/record'

/**
 * Bad input in a mapped payload: not retried. Same name, code and status as actions-core's class, whose package
 * root cannot go into a browser bundle (~77 KB gzip, Node's `events`).
 */
export class PayloadValidationError extends Error {
  readonly code = 'PAYLOAD_VALIDATION_FAILED'
  readonly status = 400
  constructor(message: string) {
    super(message)
    this.name = 'PayloadValidationError'
  }
}

/** The runtime does not validate payloads: a mapped value of the wrong type is refused by name. */
export function optionalString(value: unknown, field: string): string | undefined {
  if (isAbsent(value)) return undefined
  if (typeof value === 'string') return value
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  throw new PayloadValidationError(`${field} must be a string`)
}

export function optionalObject(value: unknown, field: string): Record<string, unknown> | undefined {
  if (isNullish(value)) return undefined
  if (isRecord(value)) return value
  throw new PayloadValidationError(`${field} must be an object`)
}
