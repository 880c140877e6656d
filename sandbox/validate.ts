import type { FlatValue } from './types'
import { badRequest } from './errors'
import { isRecord } from '../shared/record'

// Request-body checks shared by the Drift routes. Each error names the field and the rule.

export function isFlatValue(value: unknown): value is FlatValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true
  return typeof value === 'number' && Number.isFinite(value)
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  if (typeof value === 'string' && value.trim() === '') return value === '' ? 'an empty string' : 'a blank string'
  if (typeof value === 'number' && !Number.isSafeInteger(value)) return String(value)
  return typeof value === 'object' ? 'an object' : typeof value
}

/** The request body itself must be a JSON object. */
export function requireBody(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) throw badRequest('The request body must be a JSON object')
  return body
}

/** Drift accepts flat attribute values only (string, number, boolean, null): nested objects and arrays are refused. */
export function requireFlatAttributes(value: unknown, field: string): Record<string, FlatValue> {
  if (!isRecord(value)) throw badRequest(`${field} must be an object of attribute values`, { field })
  for (const [key, item] of Object.entries(value)) {
    if (!isFlatValue(item)) {
      throw badRequest(
        `${field}.${key} must be a string, number, boolean or null (Drift accepts flat values only; got ${describe(item)})`,
        { field: `${field}.${key}` }
      )
    }
  }
  return value as Record<string, FlatValue>
}

export function requireNonEmptyString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw badRequest(`${field} is required and must be a non-empty string`, { field })
  }
  return value
}

export function requireInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw badRequest(`${field} is required and must be an integer`, { field })
  }
  return value
}

/**
 * An externalId is the site's own user id: a non-blank string, or an integer small enough to be held exactly
 * (a larger one would be rounded and match another user). Contacts and timeline events share this rule.
 */
export function requireExternalId(value: unknown, field: string): string | number {
  if (typeof value === 'string' && value.trim() !== '') return value
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value
  throw badRequest(
    `${field} must be a non-empty string or an integer up to ${Number.MAX_SAFE_INTEGER} (got ${describe(value)})`,
    { field }
  )
}

/**
 * Path ids arrive as strings; Drift's ids are integers. The sandbox holds ids as doubles, so an id above 2^53 - 1
 * would be rounded to another contact's id: refused rather than answered for the wrong contact.
 */
export function parseIdParam(value: string, field: string): number {
  const id = /^[0-9]+$/.test(value) ? Number(value) : NaN
  if (!Number.isSafeInteger(id)) {
    throw badRequest(`${field} must be an integer id from 0 to ${Number.MAX_SAFE_INTEGER}`, { field })
  }
  return id
}
