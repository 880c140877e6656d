/**
 * Settings checks without zod, small enough for the browser plugin (zod alone would outweigh the plugin): the
 * checker, its error, the rule builders of the device table (settings-rules.ts), and the rules both modes share
 * (origins, separator, names, date units), which the cloud table (cloud-settings-rules.ts) runs inside zod.
 * Imports only absent.ts, record.ts, text.ts and types, so no settings module depends on another in a circle.
 */
import { isAbsent } from './absent'
import type { DateUnit } from './types'
import { isRecord } from './record'
import { BLANK } from './text'

/**
 * A check: the problem, or undefined when fine. The problem follows the setting's name, so it says the rule
 * (`must be true or false`) or, for a list, which entry and the rule (`[2] must be …`). One text per rule, the
 * same in development and production and in both modes; it never repeats the value (it may be a secret). `T`
 * is the type of the values accepted (types only: the settings type is read from the rules).
 */
export type SettingRule<T = unknown> = ((value: unknown) => string | undefined) & { readonly accepts?: T }

export interface SettingSpec<T = unknown> {
  rule: SettingRule<T>
  /** Used when the setting is absent. No default and not optional: the setting is required. */
  default?: T
  optional?: boolean
  /** Turns an accepted value into its canonical form (e.g. an origin without its trailing slash). */
  normalize?: (value: T) => T
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each setting has its own value type
export type SettingsSpec = Record<string, SettingSpec<any>>

/** The value type a rule accepts. */
type Accepted<S> = S extends { rule: SettingRule<infer T> } ? T : never

/** The checked settings a table describes: optional settings may be absent, every other one is there. */
export type SettingsOf<S extends SettingsSpec> = {
  -readonly [K in keyof S as S[K] extends { optional: true } ? never : K]: Accepted<S[K]>
} & {
  -readonly [K in keyof S as S[K] extends { optional: true } ? K : never]?: Accepted<S[K]>
}

export interface SettingsIssue {
  setting: string
  rule: string
}

export class SettingsError extends Error {
  readonly issues: SettingsIssue[]
  constructor(issues: SettingsIssue[]) {
    super('Invalid Drift settings: ' + issues.map((issue) => issue.rule).join('; '))
    this.name = 'SettingsError'
    this.issues = issues
  }
}

/** Settings come as an object (a list is not one). */
export const isSettingsObject = isRecord

/**
 * Settings that are neither an object nor absent (a string, a list): one issue, rather than "embedId …", which
 * would send the reader looking for a missing key. undefined and null are no settings at all, so the required
 * settings are reported missing.
 */
export function notAnObjectIssue(input: unknown): SettingsIssue | undefined {
  return input == null || isRecord(input) ? undefined : { setting: 'settings', rule: 'settings must be an object' }
}

/** Absent settings (undefined, or '' / null from a settings form) take their default. */
export { isAbsent }

/** A rule's text after the setting's name: `separator must be …`, `blockedUserIds[2] must be …`. */
export const named = (setting: string, problem: string) => setting + (problem[0] === '[' ? '' : ' ') + problem

/** Applies a table of rules. Throws SettingsError listing every problem; unknown settings are dropped. */
export function checkSettings<S extends SettingsSpec>(spec: S, input: unknown): SettingsOf<S> {
  const shape = notAnObjectIssue(input)
  if (shape) throw new SettingsError([shape])
  const out: Record<string, unknown> = {}
  const issues: SettingsIssue[] = []
  for (const setting in spec) {
    const { rule, optional, normalize, default: fallback } = spec[setting]
    let value = (input as Record<string, unknown> | undefined)?.[setting]
    // An absent setting takes its default (undefined when it has none); lists are copied, so one plugin's
    // settings never share an array with another's.
    if (isAbsent(value)) value = Array.isArray(fallback) ? [...fallback] : fallback
    if (value === undefined && optional) continue
    const problem = rule(value)
    if (problem) issues.push({ setting, rule: named(setting, problem) })
    else out[setting] = normalize ? normalize(value) : value
  }
  if (issues.length > 0) throw new SettingsError(issues)
  return out as SettingsOf<S>
}

/** Keys of `input` that name no setting of `spec`: a misspelt setting would otherwise be ignored without a word. */
export function unknownSettings(spec: SettingsSpec, input: unknown): string[] {
  return isRecord(input) ? Object.keys(input).filter((key) => !Object.keys(spec).includes(key)) : []
}

// ---- Rule builders ----

export const isString = (value: unknown): value is string => typeof value === 'string'

/** The one builder: a rule that passes what `ok` accepts and otherwise says `text`. */
export const rule =
  <T>(ok: (value: unknown) => unknown, text: string): SettingRule<T> =>
  (value) =>
    ok(value) ? undefined : text

/** A string matching `pattern` (a separator, for example). */
export const matching = (pattern: RegExp, text: string) =>
  rule<string>((value) => isString(value) && pattern.test(value), text)

/** One of `values`: `must be "a" or "b"`. */
export const oneOf = <const V extends string>(values: readonly V[]) =>
  rule<V>((value) => values.includes(value as V), `must be "${values.join('" or "')}"`)

export const flag = rule<boolean>((value) => typeof value === 'boolean', 'must be true or false')

export const wholeNumber = (min: number, max: number) =>
  rule<number>(
    (value) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max,
    `must be a whole number ${min}-${max}`
  )

/** A list (of at most `max`) whose every entry passes `entry`; a bad entry is named by its index (`[2] must be …`). */
export const listOf =
  <T>(entry: SettingRule<T>, max?: number): SettingRule<T[]> =>
  (value) => {
    if (!Array.isArray(value) || value.length > (max ?? Infinity)) {
      return 'must be a list of strings' + (max ? ` (at most ${max})` : '')
    }
    const bad = value.findIndex((item) => entry(item))
    return bad < 0 ? undefined : `[${bad}] ${entry(value[bad])}`
  }

// ---- Rules both modes share (the cloud table runs them inside zod) ----

export const DATE_UNITS = ['seconds', 'milliseconds'] as const satisfies readonly DateUnit[]

export const SEPARATOR = matching(
  /^[^A-Za-z0-9\s]{1,3}$/,
  'must be 1 to 3 characters, none of them a letter, digit or space'
)

/**
 * A name in a list (a blocked user id, a consent category, a blocked attribute): not blank (text.ts's BLANK:
 * white space and invisible format characters only) and without spaces around it. The identity guard refuses
 * such user ids and consent tools send no such category, so an entry like that could never match: it is refused
 * rather than kept as a silent no-op.
 */
export const isName = (value: unknown): value is string =>
  isString(value) && !BLANK.test(value) && value.trim() === value

export const NAME_RULE = 'must be a string, not blank and without spaces around it'

export const NAME = rule<string>(isName, NAME_RULE)

/**
 * https anywhere, http only on loopback (the sandbox); an origin only: no path, query, fragment or credentials.
 * Spelled out rather than left to the URL parser, which tolerates quotes, tabs, backslashes and credentials: the
 * value ends up in a script URL or a request URL. The URL parser then refuses what the pattern cannot (port
 * 99999).
 */
const ORIGIN_PATTERN =
  /^(https:\/\/([a-z0-9-]+(\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])|http:\/\/(localhost|127\.0\.0\.1|\[::1\]))(:\d{1,5})?\/?$/i

export const ORIGIN = rule<string>((value) => {
  try {
    return isString(value) && ORIGIN_PATTERN.test(value) && new URL(value)
  } catch {
    return false
  }
}, 'must use https and be an origin only (http on localhost)')

/** The canonical origin: lower case, no trailing slash, no default port. */
export const canonicalOrigin = (value: string) => new URL(value).origin
