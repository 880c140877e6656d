/**
 * The rule builders both settings tables use (device: settings-rules.ts, cloud: cloud-settings-rules.ts).
 * Internal to the mapping core: a separate module so the browser bundle, which needs only the device table,
 * never carries the cloud one.
 */
import type { DateUnit } from './types'
import type { SettingRule, SettingSpec } from './settings-rules'

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

export const isString = (value: unknown): value is string => typeof value === 'string'

export function oneOf(setting: string, values: readonly string[]): SettingRule {
  return (value) =>
    isString(value) && values.includes(value)
      ? undefined
      : `${setting} must be ${values.map((v) => `"${v}"`).join(' or ')}`
}

export function flag(setting: string): SettingRule {
  return (value) => (typeof value === 'boolean' ? undefined : `${setting} must be true or false`)
}

export function wholeNumber(setting: string, min: number, max: number): SettingRule {
  return (value) =>
    Number.isInteger(value) && (value as number) >= min && (value as number) <= max
      ? undefined
      : `${setting} must be a whole number from ${min} to ${max}`
}

export function stringList(setting: string, item: RegExp, itemRule: string): SettingRule {
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
export function origin(setting: string): SettingRule {
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
export const canonicalOrigin = (value: unknown) => new URL(value as string).origin

export const DATE_UNITS: readonly DateUnit[] = ['seconds', 'milliseconds']

export const separator: SettingRule = (value) =>
  isString(value) && /^[^A-Za-z0-9\s]{1,3}$/.test(value)
    ? undefined
    : 'separator must be 1 to 3 characters, none of them a letter, digit or space'

/**
 * The identity guard refuses blank ids and ids with spaces around them, so such an entry could never block
 * anyone: it is refused here rather than kept as a silent no-op. (No lookbehind: Safari < 16.4 cannot parse one.)
 */
export const blockedUserIds: SettingSpec = {
  rule: stringList(
    'blockedUserIds',
    /^(?![\s\p{Cf}]*$)\S([\s\S]*\S)?$/u,
    'must be a string, not blank and without spaces around it'
  ),
  default: []
}
