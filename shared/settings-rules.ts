/**
 * The device-mode settings: one entry per setting with its rule and default, checked without zod (the browser
 * plugin imports this). Labels and descriptions live in device-settings-text.ts, which the plugin never imports,
 * typed so that every setting here must have its entry there. The settings type is read from this table. The
 * cloud table takes the rules and defaults of the settings both modes share from here (one meaning everywhere).
 */
import {
  DATE_UNITS,
  NAME,
  ORIGIN,
  SEPARATOR,
  canonicalOrigin,
  checkSettings,
  flag,
  listOf,
  matching,
  oneOf,
  rule,
  wholeNumber,
  type SettingsOf,
  type SettingsSpec
} from './setting-rule-builders'
import { DEFAULT_BLOCKED_ATTRIBUTES, blockedAttributesRule } from './privacy/blocked-attributes'
import { CONSENT_WHEN_MISSING } from './privacy/consent'

export {
  SettingsError,
  checkSettings,
  isAbsent,
  isSettingsObject,
  notAnObjectIssue,
  unknownSettings,
  type SettingRule,
  type SettingSpec,
  type SettingsIssue,
  type SettingsSpec
} from './setting-rule-builders'

/** What Drift's widget script URL accepts as an embed id (letters, digits and `-`, at most 64). */
export const EMBED_ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/

/** Resolves a signed identity (a JWT signed HS256 by your backend, `sub` = user id) for a user id. */
export type SignedIdentityResolver = (userId: string) => string | undefined | Promise<string | undefined>

export const DEVICE_SETTINGS = {
  embedId: {
    rule: matching(EMBED_ID_PATTERN, 'must contain only letters, digits and "-" (1 to 64)')
  },
  scriptOrigin: { rule: ORIGIN, default: 'https://js.driftt.com', normalize: canonicalOrigin },
  identityMode: { rule: oneOf(['identify', 'attributes']), default: 'identify' },
  dateUnit: { rule: oneOf(DATE_UNITS), default: 'milliseconds' },
  separator: { rule: SEPARATOR, default: '_' },
  trackPages: { rule: flag, default: true },
  widgetEvents: {
    rule: listOf(matching(/^[A-Za-z][A-Za-z0-9:_-]*$/, 'must be a Drift event name')),
    default: []
  },
  identifyOnEmailCapture: { rule: flag, default: false },
  requireSignedIdentity: { rule: flag, default: false },
  signedIdentity: {
    rule: rule<SignedIdentityResolver>((value) => typeof value === 'function', 'must be a function'),
    optional: true
  },
  signedIdentityTimeoutMs: { rule: wholeNumber(1, 60000), default: 3000 },
  readyTimeoutMs: { rule: wholeNumber(1, 120000), default: 15000 },
  blockedUserIds: { rule: listOf(NAME), default: [] as string[] },
  consentCategories: { rule: listOf(NAME), default: [] as string[] },
  consentWhenMissing: { rule: oneOf(CONSENT_WHEN_MISSING), default: 'send' },
  blockedAttributes: { rule: blockedAttributesRule, default: DEFAULT_BLOCKED_ATTRIBUTES as string[] }
} as const satisfies SettingsSpec

export type DeviceSettings = SettingsOf<typeof DEVICE_SETTINGS>
export type DeviceSettingsInput = Partial<DeviceSettings> & { embedId: string }

export function checkDeviceSettings(input: unknown): DeviceSettings {
  return checkSettings(DEVICE_SETTINGS, input)
}
