/**
 * Writes `generated-types.ts` (Settings, and each action's Payload) from the field definitions, as Segment's
 * CLI does: `npx tsx destinations/drift-web/scripts/generate-types.ts` (add `--check` to fail when stale).
 */
import { fieldsToJsonSchema } from '@segment/actions-core'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { compile } from 'json-schema-to-typescript'
import { driftBrowserDestination } from '../destination'

const ROOT = join(__dirname, '..')
const BANNER = '// Generated file. DO NOT MODIFY IT BY HAND: run destinations/drift-web/scripts/generate-types.ts.\n\n'

async function typesFor(fields: Parameters<typeof fieldsToJsonSchema>[0], name: string): Promise<string> {
  const schema = withoutExtras(fieldsToJsonSchema(fields, { tsType: true }) as Schema)
  const style = { semi: false, singleQuote: true, trailingComma: 'none' as const, printWidth: 120 }
  const ts = await compile(schema as never, name, { bannerComment: '', style })
  return BANNER + ts
}

type Schema = { type?: unknown; title?: unknown; enum?: unknown; properties?: Record<string, Schema>; items?: Schema }

/** As Segment's CLI: no titles (types stay inline) and no enums, for cleaner output. */
function withoutExtras(schema: Schema): Schema {
  const copy = { ...schema }
  delete copy.title
  delete copy.enum
  if (copy.type === 'object' && copy.properties) {
    copy.properties = Object.fromEntries(Object.entries(copy.properties).map(([k, v]) => [k, withoutExtras(v)]))
  } else if (copy.type === 'array' && copy.items) copy.items = withoutExtras(copy.items)
  return copy
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check')
  const files: Array<[string, string]> = [
    [join(ROOT, 'generated-types.ts'), await typesFor(driftBrowserDestination.settings ?? {}, 'Settings')]
  ]
  for (const [key, action] of Object.entries(driftBrowserDestination.actions)) {
    files.push([join(ROOT, key, 'generated-types.ts'), await typesFor(action.fields, 'Payload')])
  }
  let stale = 0
  for (const [path, text] of files) {
    let current = ''
    try {
      current = readFileSync(path, 'utf8')
    } catch {
      // missing: written below
    }
    if (current === text) continue
    stale++
    if (check) console.error(`stale: ${path}`)
    else writeFileSync(path, text)
  }
  if (check && stale > 0) process.exit(1)
  console.log(check ? 'generated types are up to date' : `wrote ${stale} file(s)`)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
