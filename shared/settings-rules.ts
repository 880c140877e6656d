/**
 * Every settings rule, once, as small zod-free checks: the device table here, the cloud table in
 * cloud-settings-rules.ts (kept apart so the browser bundle never carries it), the rule builders both use in
 * setting-rule-builders.ts. The zod schemas (settings.ts) are built from these tables for the server and the
 * catalog; the browser plugin checks the same tables without zod, which alone would be larger than the whole
 * plugin. A test asserts both give the same answers.
 */
import {
  DATE_UNITS,
  blockedUserIds,
  canonicalOrigin,
  flag,
  isString,
  oneOf,
  origin,
  separator,
  stringList,
  wholeNumber
} from './setting-rule-builders'
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

/** Settings come as an object (a list is not one). */
export function isSettingsObject(input: unknown): input is Record<string, unknown> {
  return typeof input === 'object' && input !== null && !Array.isArray(input)
}

/**
 * Settings that are neither an object nor absent (a string, a list): one issue naming what came, rather than
 * "embedId is required", which would send the reader looking for a missing key. undefined and null are no
 * settings at all, so the required settings are reported missing. Both the zod and zod-free paths use it.
 */
export function notAnObjectIssue(input: unknown): SettingsIssue | undefined {
  if (input === undefined || input === null || isSettingsObject(input)) return undefined
  return {
    setting: 'settings',
    rule: `settings must be an object, got a ${Array.isArray(input) ? 'list' : typeof input}`
  }
}

/** Absent settings (undefined, or '' / null from a settings form) take their default. */
export function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === ''
}

/** Applies a spec without zod: the browser's path. Throws SettingsError listing every problem. */
export function checkSettings<T>(spec: SettingsSpec, input: unknown): T {
  const shape = notAnObjectIssue(input)
  if (shape) throw new SettingsError([shape])
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

/** Keys of `input` that name no setting of `spec`: a misspelt setting would otherwise be ignored without a word. */
export function unknownSettings(spec: SettingsSpec, input: unknown): string[] {
  return isSettingsObject(input)
    ? Object.keys(input).filter((key) => !Object.prototype.hasOwnProperty.call(spec, key))
    : []
}

/** Defaults that are lists are copied, so one plugin's settings never share an array with another's. */
function structuredCloneList(value: unknown): unknown {
  return Array.isArray(value) ? [...value] : value
}

export function checkDeviceSettings(input: unknown): DeviceSettings {
  return checkSettings<DeviceSettings>(DEVICE_SETTINGS, input)
}
