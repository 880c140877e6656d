import { toExactId } from './json'
import type { TimelineEvent, TimelineTarget } from './timeline-event'
import { isRecord } from '../../shared/record'

// What Drift's REST API sends and receives, as this client reads and writes it: bodies are read leniently (any
// missing part is "none"), ids exactly (Drift's ids are 64-bit integers).

export interface DriftContact {
  /** Exactly as Drift sent it, as decimal digits: Drift's ids are 64-bit integers. */
  id: string
  createdAt?: number
  attributes: Record<string, unknown>
}

/** A JSON value for an account id: Drift's account ids are strings (`<orgId>_<domain>`) or numbers. */
export type AccountId = string | number

/** Drift does not document its answer to a duplicate: a 409, or a 400/422 whose message says so. */
export const SAYS_EXISTS = /already exists|exists already|duplicate|already taken|not unique|already in use/i

/**
 * The timeline body: the target, then Drift's fields (attributes only when there are some), with a 64-bit
 * `contactId` written as a JSON number exactly (no rounding through a double).
 */
export function timelineJson(to: TimelineTarget, { event, createdAt, attributes }: TimelineEvent): string {
  const fields = JSON.stringify({
    ...('externalId' in to ? { externalId: to.externalId } : {}),
    event,
    ...(createdAt !== undefined ? { createdAt } : {}),
    ...(Object.keys(attributes).length > 0 ? { attributes } : {})
  })
  if (!('contactId' in to)) return fields
  if (!/^\d+$/.test(to.contactId)) throw new TypeError('contactId must be decimal digits')
  return `{"contactId":${to.contactId},${fields.slice(1)}`
}

export function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {}
}

export function toContact(value: unknown): DriftContact | undefined {
  const data = record(value)
  const id = toExactId(data.id)
  if (id === undefined) return undefined
  const createdAt = typeof data.createdAt === 'number' ? data.createdAt : undefined
  return { id, createdAt, attributes: record(data.attributes) }
}

export function accountIdOf(value: unknown): AccountId | undefined {
  if (typeof value === 'string' && value !== '') return value
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value
  return undefined
}
