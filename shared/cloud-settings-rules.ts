/**
 * The cloud-mode settings (server only): one entry per setting with its zod schema, default, label,
 * description and field type. The schema, the settings type, the Segment fields and the docs table all come
 * from these entries. A setting both modes have takes its rule and default from the device table
 * (settings-rules.ts), run inside zod; the API origin uses the origin rule both modes share.
 */
import type { GlobalSetting } from '@segment/actions-core'
import { z } from 'zod'
import {
  ORIGIN,
  SettingsError,
  canonicalOrigin,
  isAbsent,
  isSettingsObject,
  isString,
  notAnObjectIssue,
  type SettingRule,
  type SettingsIssue
} from './setting-rule-builders'
import { DEVICE_SETTINGS } from './settings-rules'
import { settingFields, settingsTable, type AnySettingText, type SettingRow, type SettingText } from './settings'

/** A Drift user id (an account owner): a whole number from 1, exact in JavaScript, as a number or its digits. */
export function isDriftUserId(value: unknown): boolean {
  return (
    (isString(value) || Number.isSafeInteger(value)) &&
    /^[1-9]\d*$/.test(String(value)) &&
    Number.isSafeInteger(Number(value))
  )
}

/** Zod messages say the rule without the setting's name; issues put the name (and list index) in front. */
type CloudSetting<S extends z.ZodType> = {
  schema: S
  /** Used when the setting is absent (undefined, null or ''). No default and not optional: required. */
  default?: z.output<S>
  optional?: true
} & SettingText<z.output<S>>

/** Ties each entry's text to its schema's value type. */
const setting = <S extends z.ZodType>(entry: CloudSetting<S>) => entry

/**
 * A rule shared with device mode, run inside zod: the same check and the same text in both modes (a list rule
 * names the bad entry itself: `[2] must be …`).
 */
const shared = <T>(rule: SettingRule<T>) =>
  z.custom<T>().superRefine((value, ctx) => {
    const problem = rule(value)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })

const OWNER_RULE = 'must be a Drift user id (a whole number)'

export const CLOUD_SETTINGS = {
  apiToken: setting({
    // The rules never repeat the value: it is a secret.
    schema: z
      .string({ error: 'is required (a Drift API token)' })
      .regex(/^[\x21-\x7e]+$/, { error: 'must be printable characters without spaces' }),
    label: 'API Token',
    description:
      'A Drift API token (Drift app settings) with the contact_read and contact_write scopes; account_write for group calls.',
    type: 'password'
  }),
  apiBaseUrl: setting({
    schema: shared(ORIGIN).transform(canonicalOrigin),
    default: 'https://driftapi.com',
    label: 'API Base URL',
    description:
      "Drift's API origin. Change it only to point at a stand-in such as the sandbox (http on localhost only).",
    type: 'string'
  }),
  accountOwnerId: setting({
    schema: z
      .union([z.string(), z.number()], { error: OWNER_RULE })
      .refine(isDriftUserId, { error: OWNER_RULE })
      .transform(String),
    optional: true,
    label: 'Account Owner Id',
    description: 'The Drift user id that owns the accounts created from group calls (Drift requires an owner).',
    type: 'string'
  }),
  dateUnit: setting({
    schema: shared(DEVICE_SETTINGS.dateUnit.rule),
    default: DEVICE_SETTINGS.dateUnit.default,
    label: 'Date Unit',
    description:
      "How custom Date values in traits and properties are sent: milliseconds (Drift's unit) or Unix seconds (as Segment's classic Drift integration). Drift's own date attributes (start_date, last_active, …) and timeline createdAt are always milliseconds.",
    type: 'string',
    choices: { seconds: 'Unix seconds', milliseconds: 'Milliseconds' }
  }),
  separator: setting({
    schema: shared(DEVICE_SETTINGS.separator.rule),
    default: DEVICE_SETTINGS.separator.default,
    label: 'Separator',
    description:
      'Joins the keys of nested traits and properties into one attribute name (address.city → address_city). 1 to 3 symbols.',
    type: 'string'
  }),
  blockedUserIds: setting({
    schema: shared(DEVICE_SETTINGS.blockedUserIds.rule),
    default: DEVICE_SETTINGS.blockedUserIds.default,
    label: 'Blocked User Ids',
    description:
      'User ids that are never sent to Drift (shared demo accounts, for example): such events are refused. Compared case-insensitively; entries must not be blank or padded with spaces.',
    type: 'string',
    multiple: true
  }),
  consentCategories: setting({
    schema: shared(DEVICE_SETTINGS.consentCategories.rule),
    default: DEVICE_SETTINGS.consentCategories.default,
    label: 'Consent Categories',
    description:
      "Consent categories (Segment's consent specification, e.g. Marketing or OneTrust's C0004) that must all be granted in the event's context.consent.categoryPreferences; other events are skipped with the reason, never retried. Empty: no gating.",
    type: 'string',
    multiple: true
  }),
  consentWhenMissing: setting({
    schema: shared(DEVICE_SETTINGS.consentWhenMissing.rule),
    default: DEVICE_SETTINGS.consentWhenMissing.default,
    label: 'Consent When Missing',
    description:
      'With Consent Categories set, what to do with an event that carries no consent preferences at all: send it (as Segment does) or skip it.',
    type: 'string',
    choices: { send: 'Send', skip: 'Skip' }
  }),
  blockedAttributes: setting({
    schema: shared(DEVICE_SETTINGS.blockedAttributes.rule),
    default: DEVICE_SETTINGS.blockedAttributes.default,
    label: 'Blocked Attributes',
    description:
      'Attribute names never sent to Drift, with * as a wildcard, matched against the flattened name and the last key of its path (card_number also blocks billing.card_number), in any case. Blocked attributes are dropped with a warning naming them, never their value. Your list replaces the default list of obvious secrets; an empty list turns blocking off.',
    type: 'string',
    multiple: true
  })
}

type Entries = typeof CLOUD_SETTINGS
type Value<K extends keyof Entries> = z.output<Entries[K]['schema']>
type OptionalKey = { [K in keyof Entries]: Entries[K] extends { optional: true } ? K : never }[keyof Entries]

export type CloudSettings = { [K in Exclude<keyof Entries, OptionalKey>]: Value<K> } & {
  [K in OptionalKey]?: Value<K>
}
export type CloudSettingsInput = Partial<CloudSettings> & { apiToken: string; accountOwnerId?: string | number }

/** An entry as the builders below read it, whatever its value type. */
interface AnyCloudSetting extends AnySettingText {
  schema: z.ZodType
  default?: unknown
  optional?: true
}
const entries = () => Object.entries(CLOUD_SETTINGS) as Array<[string, AnyCloudSetting]>

/** Absent values (a settings form sends '' or null) take the default, or stay absent when optional. */
export const cloudSettingsSchema = z.object(
  Object.fromEntries(
    entries().map(([name, entry]) => [
      name,
      z.preprocess(
        (value) => (isAbsent(value) ? undefined : value),
        entry.default !== undefined
          ? entry.schema.default(entry.default)
          : entry.optional
            ? entry.schema.optional()
            : entry.schema
      )
    ])
  )
) as unknown as z.ZodType<CloudSettings>

/** One issue per setting (the first problem, like the device checks), named as in the settings. */
function issuesOf(error: z.ZodError, within: PropertyKey[] = []): SettingsIssue[] {
  const issues = new Map<string, SettingsIssue>()
  for (const issue of error.issues) {
    const path = [...within, ...issue.path]
    const setting = path.length > 0 ? String(path[0]) : 'settings'
    if (issues.has(setting)) continue
    const where = path
      .slice(1)
      .map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`))
      .join('')
    // A rule may name the list entry itself (`[2] must be …`), as the device checker reads it.
    const space = where === '' && issue.message.startsWith('[') ? '' : ' '
    issues.set(setting, { setting, rule: `${setting}${where}${space}${issue.message}` })
  }
  return [...issues.values()]
}

/** Checks and completes cloud settings. Throws SettingsError listing every problem; unknown settings are dropped. */
export function parseCloudSettings(input: unknown): CloudSettings {
  const shape = notAnObjectIssue(input)
  if (shape) throw new SettingsError([shape])
  const parsed = cloudSettingsSchema.safeParse(isSettingsObject(input) ? input : {})
  if (!parsed.success) throw new SettingsError(issuesOf(parsed.error))
  // Optional settings that were absent stay absent rather than present-but-undefined.
  const data = parsed.data as Record<string, unknown>
  for (const key of Object.keys(data)) if (data[key] === undefined) delete data[key]
  return parsed.data
}

/** The problem with one cloud setting's value as given (no default applied), or undefined: for command flags. */
export function cloudSettingProblem(name: keyof Entries, value: unknown): string | undefined {
  const parsed = CLOUD_SETTINGS[name].schema.safeParse(value)
  return parsed.success ? undefined : issuesOf(parsed.error, [name])[0].rule
}

const rows = (): SettingRow[] =>
  entries().map(([name, entry]) => ({
    name,
    text: entry,
    facts: { default: entry.default, required: entry.default === undefined && !entry.optional }
  }))

/** The cloud destination's settings fields (`authentication.fields`). */
export const cloudSettingFields = (): Record<string, GlobalSetting> => settingFields(rows())

/** The cloud settings table for the docs. */
export const cloudSettingsTable = (): string => settingsTable(rows())
