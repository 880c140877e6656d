/**
 * The cloud-mode settings table (the server's), apart from the device table so the browser bundle never
 * carries it. Checked like the device table: zod-free with `checkSettings`, with zod by `parseCloudSettings`.
 */
import {
  DATE_UNITS,
  blockedUserIds,
  canonicalOrigin,
  isString,
  oneOf,
  origin,
  separator
} from './setting-rule-builders'
import type { SettingsSpec } from './settings-rules'
import type { DateUnit } from './types'

/** A Drift user id (an account owner): a whole number from 1, exact in JavaScript, as a number or its digits. */
export function isDriftUserId(value: unknown): boolean {
  return (
    (isString(value) || Number.isSafeInteger(value)) &&
    /^[1-9]\d*$/.test(String(value)) &&
    Number.isSafeInteger(Number(value))
  )
}

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
    rule: (value) => (isDriftUserId(value) ? undefined : 'accountOwnerId must be a Drift user id (a whole number)'),
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
