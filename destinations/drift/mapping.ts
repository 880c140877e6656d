import { flattenOptionsOf, toDriftAttributes, type CloudSettings, type DriftAttributes } from '../../shared'
import type { MappingWarning } from '../../shared'

/** Mapping warnings as short lines for an action's output; `whole` names the input when a warning has no path. */
export function warningLines(warnings: MappingWarning[], whole: string): string[] {
  return warnings.map((warning) => `${warning.path || whole}: ${warning.action}, ${warning.reason}`)
}

/** Event, page or group properties through the mapping core, with the settings' date unit and separator. */
export function mapProperties(
  properties: unknown,
  settings: CloudSettings
): { attributes: DriftAttributes; warnings: string[] } {
  const mapped = toDriftAttributes(properties, flattenOptionsOf(settings))
  return { attributes: mapped.attributes, warnings: warningLines(mapped.warnings, 'properties') }
}
