/**
 * Every settings rule, once, as small zod-free checks. The zod schemas (settings.ts) are built from these
 * tables for the server and the catalog; the browser plugin checks the same tables without zod, which alone
 * would be larger than the whole plugin. A test asserts both give the same answers.
 */
import type { DateUnit } from './types'

/** A check returns the problem (a sentence naming the setting and the rule), or undefined when fine. */
export type SettingRule = (value: unknown) => string | undefined

export interface SettingSpec {
  rule: SettingRule
  /** Used when the setting is absent (undefined). No default and absent: the setting is required. */
  default?: unknown
  optional?: boolean
  /** Turns an accepted value into its canonical form (e.g. an origin without its trailing slash). */
  normalize?: (value: unknown) => unknown
}

export type SettingsSpec = Record<string, SettingSpec>

export const EMBED_ID_PATTERN = /^[A-Za-z0-9-]+$/
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

const isString = (value: unknown): value is string => typeof value === 'string'

function oneOf(setting: string, values: readonly string[]): SettingRule {
  return (value) =>
    isString(value) && values.includes(value)
      ? undefined
      : `${setting} must be ${values.map((v) => `"${v}"`).join(' or ')}`
}

function flag(setting: string): SettingRule {
  return (value) => (typeof value === 'boolean' ? undefined : `${setting} must be true or false`)
}

function wholeNumber(setting: string, min: number, max: number): SettingRule {
  return (value) =>
    Number.isInteger(value) && (value as number) >= min && (value as number) <= max
      ? undefined
      : `${setting} must be a whole number from ${min} to ${max}`
}

function stringList(setting: string, item: RegExp, itemRule: string): SettingRule {
  return (value) => {
    if (!Array.isArray(value)) return `${setting} must be a list of strings`
    const bad = value.findIndex((v) => !isString(v) || !item.test(v))
    return bad === -1 ? undefined : `${setting}[${bad}] ${itemRule}`
  }
}

/**
 * An origin-only URL: https anywhere, http only on loopback (for the sandbox). No path, query, credentials,
 * quotes, spaces or anything else that could inject script or send data elsewhere: the value ends up in a
 * script URL.
 */
function origin(setting: string): SettingRule {
  return (value) => {
    if (!isString(value)) return `${setting} must be a URL such as https://example.com`
    let url: URL
    try {
      url = new URL(value)
    } catch {
      return `${setting} must be an absolute URL such as https://example.com`
    }
    const https = `${setting} must use https (http only on localhost or 127.0.0.1)`
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return https
    if (url.username || url.password) return `${setting} must not carry credentials`
    if (url.search || url.hash || !/^https?:\/\/[^/?#]+\/?$/i.test(value)) {
      return `${setting} must be an origin only (no path, query or fragment)`
    }
    // The URL parser tolerates quotes, tabs and backslashes in a host; a script URL must not carry them.
    if (!/^https?:\/\/([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?\/?$/i.test(value)) {
      return `${setting} host must be letters, digits, "." and "-" (and an optional :port)`
    }
    if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) return https
    return undefined
  }
}

/** The canonical origin: lower case, no trailing slash, no default port. */
const canonicalOrigin = (value: unknown) => new URL(value as string).origin

const DATE_UNITS: readonly DateUnit[] = ['seconds', 'milliseconds']

const separator: SettingRule = (value) =>
  isString(value) && /^[^A-Za-z0-9\s]{1,3}$/.test(value)
    ? undefined
    : 'separator must be 1 to 3 characters, none of them a letter, digit or space'

const blockedUserIds: SettingSpec = {
  rule: stringList('blockedUserIds', /^[\s\S]*$/, 'must be a string'),
  default: []
}

/** Resolves a signed identity (a JWT signed HS256 by your backend, `sub` = user id) for a user id. */
export type SignedIdentityResolver = (userId: string) => string | undefined | Promise<string | undefined>

export const DEVICE_SETTINGS = {
  embedId: {
    rule: (value) =>
      !isString(value) || value === ''
        ? 'embedId is required (a string such as "buvw2r8z43np")'
        : !EMBED_ID_PATTERN.test(value)
          ? 'embedId must contain only letters, digits and "-"'
          : value.length > 64
            ? 'embedId must be at most 64 characters'
            : undefined
  },
  scriptOrigin: { rule: origin('scriptOrigin'), default: 'https://js.driftt.com', normalize: canonicalOrigin },
  identityMode: { rule: oneOf('identityMode', ['identify', 'attributes']), default: 'identify' },
  dateUnit: { rule: oneOf('dateUnit', DATE_UNITS), default: 'seconds' },
  separator: { rule: separator, default: '_' },
  trackPages: { rule: flag('trackPages'), default: true },
  widgetEvents: {
    rule: stringList(
      'widgetEvents',
      /^[A-Za-z][A-Za-z0-9:_-]*$/,
      'must be a Drift event name such as "startConversation"'
    ),
    default: []
  },
  identifyOnEmailCapture: { rule: flag('identifyOnEmailCapture'), default: false },
  requireSignedIdentity: { rule: flag('requireSignedIdentity'), default: false },
  signedIdentity: {
    rule: (value) => (typeof value === 'function' ? undefined : 'signedIdentity must be a function (userId) => token'),
    optional: true
  },
  signedIdentityTimeoutMs: { rule: wholeNumber('signedIdentityTimeoutMs', 1, 60000), default: 3000 },
  readyTimeoutMs: { rule: wholeNumber('readyTimeoutMs', 1, 120000), default: 15000 },
  blockedUserIds
} satisfies SettingsSpec

export interface DeviceSettings {
  embedId: string
  scriptOrigin: string
  identityMode: 'identify' | 'attributes'
  dateUnit: DateUnit
  separator: string
  trackPages: boolean
  widgetEvents: string[]
  identifyOnEmailCapture: boolean
  requireSignedIdentity: boolean
  signedIdentity?: SignedIdentityResolver
  signedIdentityTimeoutMs: number
  readyTimeoutMs: number
  blockedUserIds: string[]
}
export type DeviceSettingsInput = Partial<DeviceSettings> & { embedId: string }

export const CLOUD_SETTINGS = {
  apiToken: {
    // The rule never repeats the value: it is a secret.
    rule: (value) =>
      !isString(value) || value === ''
        ? 'apiToken is required (a Drift API token)'
        : !/^[\x21-\x7e]+$/.test(value)
          ? 'apiToken must be printable characters without spaces'
          : undefined
  },
  apiBaseUrl: { rule: origin('apiBaseUrl'), default: 'https://driftapi.com', normalize: canonicalOrigin },
  accountOwnerId: {
    rule: (value) =>
      (isString(value) || Number.isSafeInteger(value)) && /^[1-9]\d{0,18}$/.test(String(value))
        ? undefined
        : 'accountOwnerId must be a Drift user id (a whole number)',
    optional: true,
    normalize: (value) => String(value)
  },
  dateUnit: { rule: oneOf('dateUnit', DATE_UNITS), default: 'seconds' },
  separator: { rule: separator, default: '_' },
  blockedUserIds
} satisfies SettingsSpec

export interface CloudSettings {
  apiToken: string
  apiBaseUrl: string
  accountOwnerId?: string
  dateUnit: DateUnit
  separator: string
  blockedUserIds: string[]
}
export type CloudSettingsInput = Partial<CloudSettings> & { apiToken: string; accountOwnerId?: string | number }

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

/** Settings come as an object; anything else (a list, a string) counts as no settings at all. */
export function isSettingsObject(input: unknown): input is Record<string, unknown> {
  return typeof input === 'object' && input !== null && !Array.isArray(input)
}

/** Absent settings (undefined, or '' / null from a settings form) take their default. */
export function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === ''
}

/** Applies a spec without zod: the browser's path. Throws SettingsError listing every problem. */
export function checkSettings<T>(spec: SettingsSpec, input: unknown): T {
  const source = (isSettingsObject(input) ? input : {}) as Record<string, unknown>
  const out: Record<string, unknown> = {}
  const issues: SettingsIssue[] = []
  for (const setting of Object.keys(spec)) {
    const { rule, optional, normalize } = spec[setting]
    let value = source[setting]
    if (isAbsent(value)) {
      if ('default' in spec[setting]) value = structuredCloneList(spec[setting].default)
      else if (optional) continue
    }
    const problem = rule(value)
    if (problem) issues.push({ setting, rule: problem })
    else out[setting] = normalize ? normalize(value) : value
  }
  if (issues.length > 0) throw new SettingsError(issues)
  return out as T
}

/** Defaults that are lists are copied, so one plugin's settings never share an array with another's. */
function structuredCloneList(value: unknown): unknown {
  return Array.isArray(value) ? [...value] : value
}

export function checkDeviceSettings(input: unknown): DeviceSettings {
  return checkSettings<DeviceSettings>(DEVICE_SETTINGS, input)
}
