/**
 * Writes each mode's settings table (from the settings definitions) between its markers in the docs:
 * `<!-- settings:device -->…<!-- /settings:device -->` and `<!-- settings:cloud -->…<!-- /settings:cloud -->`.
 *
 *   tsx scripts/settings-docs.ts           write the tables
 *   tsx scripts/settings-docs.ts --check   exit 1 when a table is out of date or its markers are missing (CI)
 */
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { cloudSettingsTable } from '../shared/cloud-settings-rules'
import { deviceSettingsTable } from '../shared/device-settings-text'

/** The files that hold the tables, from the repository root. */
export const FILES = ['README.md']

export const TABLES: Record<string, () => string> = { device: deviceSettingsTable, cloud: cloudSettingsTable }

/** The text with every table it has markers for brought up to date. */
export function withTables(text: string): { text: string; found: string[] } {
  const found: string[] = []
  for (const [mode, table] of Object.entries(TABLES)) {
    const open = `<!-- settings:${mode} -->`
    const close = `<!-- /settings:${mode} -->`
    const start = text.indexOf(open)
    const end = text.indexOf(close)
    if (start === -1 || end < start) continue
    found.push(mode)
    text = `${text.slice(0, start + open.length)}\n${table()}\n${text.slice(end)}`
  }
  return { text, found }
}

function main(): void {
  const check = process.argv.includes('--check')
  const root = path.resolve(__dirname, '..')
  const problems: string[] = []
  const placed = new Set<string>()
  for (const file of FILES) {
    const current = readFileSync(path.join(root, file), 'utf8')
    const { text, found } = withTables(current)
    found.forEach((mode) => placed.add(mode))
    if (text === current) continue
    if (check) problems.push(`${file} is out of date (run npm run docs:settings)`)
    else {
      writeFileSync(path.join(root, file), text)
      console.log(`wrote ${file}`)
    }
  }
  for (const mode of Object.keys(TABLES)) {
    if (!placed.has(mode)) problems.push(`no <!-- settings:${mode} --> markers in ${FILES.join(', ')}`)
  }
  if (problems.length > 0) {
    console.error(problems.join('\n'))
    process.exit(1)
  }
  if (check) console.log('Settings tables are up to date.')
}

if (require.main === module) main()
