import type { BaseActionDefinition } from '@segment/actions-core'

/*
 * actions-core's error classes and `defaultValues` are only reachable from its package root, which in a browser
 * bundle drags in Node's `events` and ~77 KB gzip (no `sideEffects: false`, so nothing is shaken off). These two
 * small equivalents keep the browser destination bundle-able for a plain browser; they mirror actions-core's
 * shapes (PayloadValidationError: code PAYLOAD_VALIDATION_FAILED, status 400).
 */

/** Bad input in a mapped payload: not retried. Same name, code and status as actions-core's class. */
export class PayloadValidationError extends Error {
  readonly code = 'PAYLOAD_VALIDATION_FAILED'
  readonly status = 400
  constructor(message: string) {
    super(message)
    this.name = 'PayloadValidationError'
  }
}

/** A preset's mapping: each field's default directive (what actions-core's `defaultValues` returns). */
export function defaultMappings(fields: BaseActionDefinition['fields']): Record<string, never> {
  const mapping: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(fields)) if (field.default !== undefined) mapping[key] = field.default
  return mapping as Record<string, never>
}
