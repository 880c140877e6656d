import { z } from 'zod'
import { CLOUD_SETTINGS, type CloudSettings } from './cloud-settings-rules'
import {
  DEVICE_SETTINGS,
  SettingsError,
  isAbsent,
  isSettingsObject,
  notAnObjectIssue,
  type DeviceSettings,
  type SettingsSpec
} from './settings-rules'

/**
 * zod schemas for both modes, built from the rule tables in settings-rules.ts and cloud-settings-rules.ts
 * (one place for each rule). Used on the server, by the replay command and for catalog listings; the browser
 * plugin uses the tables directly to stay small.
 */
function schemaFor(spec: SettingsSpec) {
  const shape: Record<string, z.ZodType> = {}
  for (const [setting, { rule, optional, normalize, ...rest }] of Object.entries(spec)) {
    const hasDefault = 'default' in rest
    // preprocess runs for absent keys too, which is where defaults come in.
    const withDefault = (value: unknown) =>
      isAbsent(value) && hasDefault ? (Array.isArray(rest.default) ? [...rest.default] : rest.default) : value
    shape[setting] = z.preprocess(withDefault, z.unknown()).transform((value, ctx) => {
      if (isAbsent(value) && optional) return undefined
      const problem = rule(value)
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem })
        return z.NEVER
      }
      return normalize ? normalize(value) : value
    })
  }
  return z.object(shape)
}

export const deviceSettingsSchema = schemaFor(DEVICE_SETTINGS)
export const cloudSettingsSchema = schemaFor(CLOUD_SETTINGS)

function parseWith<T>(schema: z.ZodType, input: unknown): T {
  const shape = notAnObjectIssue(input)
  if (shape) throw new SettingsError([shape])
  const parsed = schema.safeParse(isSettingsObject(input) ? input : {})
  if (parsed.success) {
    // Optional settings that were absent stay absent rather than present-but-undefined.
    const data = parsed.data as Record<string, unknown>
    for (const key of Object.keys(data)) if (data[key] === undefined) delete data[key]
    return data as T
  }
  throw new SettingsError(
    parsed.error.issues.map((issue) => ({
      setting: issue.path.map(String).join('.') || 'settings',
      rule: issue.message
    }))
  )
}

export function parseDeviceSettings(input: unknown): DeviceSettings {
  return parseWith<DeviceSettings>(deviceSettingsSchema, input)
}

export function parseCloudSettings(input: unknown): CloudSettings {
  return parseWith<CloudSettings>(cloudSettingsSchema, input)
}
