import type { BaseActionDefinition } from '@segment/actions-core'

/**
 * A preset's mapping: each field's default directive, what actions-core's `defaultValues` returns. Written here
 * because actions-core's root import drags ~77 KB gzip and Node's `events` into a browser bundle.
 */
export function defaultMappings(fields: BaseActionDefinition['fields']): Record<string, never> {
  const mapping: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(fields)) if (field.default !== undefined) mapping[key] = field.default
  return mapping as Record<string, never>
}
