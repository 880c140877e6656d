import { z } from 'zod'

/**
 * Settings for both modes, validated with zod. An invalid setting throws a SettingsError that names the
 * setting and the rule, and never repeats a secret's value.
 */

export const EMBED_ID_PATTERN = /^[A-Za-z0-9-]+$/

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * An origin-only URL: https anywhere, http only on loopback (for the sandbox). No path, query, credentials or
 * anything else that could be used to inject script or send data elsewhere.
 */
function originUrl(setting: string, fallback: string) {
  return z
    .string()
    .default(fallback)
    .superRefine((value, ctx) => {
      const problem = originProblem(value)
      if (problem) ctx.addIssue({ code: 'custom', message: `${setting} ${problem}` })
    })
    .transform((value) => value.replace(/\/+$/, ''))
}

function originProblem(value: string): string | undefined {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'must be an absolute URL such as https://example.com'
  }
  if (url.username || url.password) return 'must not carry credentials'
  if (url.search || url.hash || (url.pathname !== '/' && url.pathname !== ''))
    return 'must be an origin only (no path, query or fragment)'
  if (url.protocol === 'https:') return undefined
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return undefined
  return 'must use https (http only on localhost or 127.0.0.1)'
}

const dateUnit = z.enum(['seconds', 'milliseconds'], { message: 'dateUnit must be "seconds" or "milliseconds"' })
const separator = z
  .string()
  .regex(/^[^A-Za-z0-9\s]{1,3}$/, {
    message: 'separator must be 1 to 3 characters, none of them a letter, digit or space'
  })

const blockedUserIds = z.array(z.string(), { message: 'blockedUserIds must be a list of strings' }).default([])

/** Resolves a signed identity (a JWT signed HS256 by your backend, `sub` = user id) for a user id. */
export type SignedIdentityResolver = (userId: string) => string | undefined | Promise<string | undefined>

export const deviceSettingsSchema = z.object({
  embedId: z
    .string({ message: 'embedId is required (a string such as "buvw2r8z43np")' })
    .regex(EMBED_ID_PATTERN, { message: 'embedId must contain only letters, digits and "-"' })
    .max(64, { message: 'embedId must be at most 64 characters' }),
  scriptOrigin: originUrl('scriptOrigin', 'https://js.driftt.com'),
  identityMode: z
    .enum(['identify', 'attributes'], { message: 'identityMode must be "identify" or "attributes"' })
    .default('identify'),
  dateUnit: dateUnit.default('seconds'),
  separator: separator.default('_'),
  trackPages: z.boolean({ message: 'trackPages must be true or false' }).default(true),
  widgetEvents: z
    .array(z.string().regex(/^[A-Za-z][A-Za-z0-9:_-]*$/, { message: 'widgetEvents items must be Drift event names' }), {
      message: 'widgetEvents must be a list of Drift event names'
    })
    .default([]),
  identifyOnEmailCapture: z.boolean({ message: 'identifyOnEmailCapture must be true or false' }).default(false),
  requireSignedIdentity: z.boolean({ message: 'requireSignedIdentity must be true or false' }).default(false),
  signedIdentity: z
    .custom<SignedIdentityResolver>((value) => typeof value === 'function', {
      message: 'signedIdentity must be a function (userId) => token'
    })
    .optional(),
  signedIdentityTimeoutMs: z
    .number({ message: 'signedIdentityTimeoutMs must be a number' })
    .int()
    .min(1)
    .max(60000)
    .default(3000),
  readyTimeoutMs: z.number({ message: 'readyTimeoutMs must be a number' }).int().min(1).max(120000).default(15000),
  blockedUserIds
})

export type DeviceSettingsInput = z.input<typeof deviceSettingsSchema>
export type DeviceSettings = z.output<typeof deviceSettingsSchema>

export const cloudSettingsSchema = z.object({
  apiToken: z
    .string({ message: 'apiToken is required (a Drift API token)' })
    .min(1, { message: 'apiToken is required (a Drift API token)' })
    .regex(/^[\x21-\x7e]+$/, { message: 'apiToken must be printable characters without spaces' }),
  apiBaseUrl: originUrl('apiBaseUrl', 'https://driftapi.com'),
  accountOwnerId: z
    .union([z.number(), z.string()], { message: 'accountOwnerId must be a Drift user id (a whole number)' })
    .optional()
    .superRefine((value, ctx) => {
      if (value === undefined || value === '') return
      if (!/^[1-9]\d{0,18}$/.test(String(value))) {
        ctx.addIssue({ code: 'custom', message: 'accountOwnerId must be a Drift user id (a whole number)' })
      }
    })
    .transform((value) => (value === undefined || value === '' ? undefined : String(value))),
  dateUnit: dateUnit.default('seconds'),
  separator: separator.default('_'),
  blockedUserIds
})

export type CloudSettingsInput = z.input<typeof cloudSettingsSchema>
export type CloudSettings = z.output<typeof cloudSettingsSchema>

export interface SettingsIssue {
  setting: string
  rule: string
}

export class SettingsError extends Error {
  readonly issues: SettingsIssue[]
  constructor(issues: SettingsIssue[]) {
    super(`Invalid Drift settings: ${issues.map((issue) => issue.rule).join('; ')}`)
    this.name = 'SettingsError'
    this.issues = issues
  }
}

function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input ?? {})
  if (parsed.success) return parsed.data
  throw new SettingsError(
    parsed.error.issues.map((issue) => {
      const setting = issue.path.map(String).join('.') || 'settings'
      // Our messages name the setting; zod's own ones (e.g. for the whole object) get the setting prefixed.
      const rule = issue.message.startsWith(setting.split('.')[0]) ? issue.message : `${setting}: ${issue.message}`
      return { setting, rule }
    })
  )
}

export function parseDeviceSettings(input: unknown): DeviceSettings {
  return parseWith(deviceSettingsSchema, input)
}

export function parseCloudSettings(input: unknown): CloudSettings {
  return parseWith(cloudSettingsSchema, input)
}
