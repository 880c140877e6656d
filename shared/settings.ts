/**
 * Settings as a catalog and the docs show them: each setting's label, description and field type (its
 * `SettingText`) plus what its rule says (default, required) become a Segment field and a row of the Markdown
 * settings table. Used by both destinations' definitions and `npm run docs:settings`; never by the browser
 * plugin, so no text reaches its bundle.
 */
import type { GlobalSetting } from '@segment/actions-core'

/** The field type follows the setting's value type (the compiler refuses a mismatch). */
type FieldKind<T> = [T] extends [boolean]
  ? { type: 'boolean' }
  : [T] extends [number]
    ? { type: 'number' }
    : [T] extends [readonly string[]]
      ? { type: 'string'; multiple: true }
      : [T] extends [string]
        ? string extends T
          ? { type: 'string' | 'password' }
          : {
              type: 'string'
              /** A label for every value the rule accepts, in the order offered. */ choices: Record<T, string>
            }
        : [T] extends [(...args: never[]) => unknown]
          ? { type: 'function'; catalog: false }
          : never

/** What a person reads about a setting whose values are `T`. */
export type SettingText<T> = {
  label: string
  /** One or more sentences: what the setting does and, where the field type does not say it, its rule. */
  description: string
  /** false: no catalog field (a setting only code can give, such as a function). */
  catalog?: false
} & FieldKind<T>

/** A setting text of any value type, as the builders below read it. */
export interface AnySettingText {
  label: string
  description: string
  catalog?: false
  type: 'boolean' | 'number' | 'string' | 'password' | 'function'
  multiple?: true
  choices?: Record<string, string>
}

/** What the rule says about a setting: its default (absent: none) and whether it must be given. */
export interface SettingFacts {
  default?: unknown
  required: boolean
}

export interface SettingRow {
  name: string
  text: AnySettingText
  facts: SettingFacts
}

/**
 * Segment fields for the settings a catalog offers. A list default is not shown (a Segment field default is a
 * single value): the rule still applies it.
 */
export function settingFields(rows: SettingRow[]): Record<string, GlobalSetting> {
  const fields: Record<string, GlobalSetting> = {}
  for (const { name, text, facts } of rows) {
    if (text.catalog === false || text.type === 'function') continue
    const field: GlobalSetting = {
      label: text.label,
      description: text.description,
      type: text.type,
      required: facts.required
    }
    if (text.multiple) field.multiple = true
    if (text.choices) field.choices = Object.entries(text.choices).map(([value, label]) => ({ label, value }))
    const value = facts.default
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') field.default = value
    fields[name] = field
  }
  return fields
}

function typeCell(text: AnySettingText): string {
  if (text.choices) {
    return Object.keys(text.choices)
      .map((value) => `\`${value}\``)
      .join(' or ')
  }
  if (text.multiple) return 'list of strings'
  if (text.type === 'password') return 'string (secret)'
  if (text.type === 'function') return 'function'
  return text.type
}

function defaultCell(facts: SettingFacts): string {
  if (facts.required) return 'required'
  if (facts.default === undefined) return 'none'
  return `\`${typeof facts.default === 'string' ? facts.default : JSON.stringify(facts.default)}\``
}

/** Markdown-safe table text: `|` would end the cell, `<…>` would read as HTML. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/</g, '&lt;')

/** The settings as a Markdown table: setting, type, default, what it does (and whether a catalog offers it). */
export function settingsTable(rows: SettingRow[]): string {
  const lines = ['| Setting | Type | Default | Description |', '|---|---|---|---|']
  for (const { name, text, facts } of rows) {
    const where = text.catalog === false ? ' Not a catalog field: give it in code.' : ''
    lines.push(`| \`${name}\` | ${typeCell(text)} | ${defaultCell(facts)} | ${cell(text.description + where)} |`)
  }
  return lines.join('\n')
}
