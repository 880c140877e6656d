/**
 * Generates `generated-types.ts` for both destinations (cloud `destinations/drift`, browser
 * `destinations/drift-web`): `Settings` from the settings fields and a `Payload` per action, from the field definitions (actions-core's `fieldsToJsonSchema` +
 * json-schema-to-typescript), formatted with the project's Prettier settings.
 *
 *   tsx scripts/generate-types.ts           write the files
 *   tsx scripts/generate-types.ts --check   exit 1 when a file is missing or out of date (CI)
 */
import { existsSync, readFileSync, writeFileSync } from 'fs'
import path from 'path'
import { fieldsToJsonSchema, type DestinationDefinition } from '@segment/actions-core'
import type { JSONSchema4 } from 'json-schema'
import { compile } from 'json-schema-to-typescript'
import prettier from 'prettier'
import drift from '../destinations/drift'
import { driftBrowserDestination } from '../destinations/drift-web/destination'

const BANNER = '// Generated file. DO NOT MODIFY IT BY HAND: run `npm run types` after changing the fields.'

interface Target {
  file: string
  typeName: string
  fields: Parameters<typeof fieldsToJsonSchema>[0]
}

interface Definition {
  actions: Record<string, { fields: Target['fields'] }>
}

function targets(destination: Definition, settings: Target['fields'], dir: string): Target[] {
  const list: Target[] = [{ file: path.join(dir, 'generated-types.ts'), typeName: 'Settings', fields: settings }]
  for (const [slug, action] of Object.entries(destination.actions)) {
    list.push({ file: path.join(dir, slug, 'generated-types.ts'), typeName: 'Payload', fields: action.fields })
  }
  return list
}

/** Titles would become separate named types: drop them, as Segment's own generator does. */
function withoutTitles(schema: JSONSchema4): JSONSchema4 {
  const copy: JSONSchema4 = { ...schema }
  delete copy.title
  if (copy.properties) {
    copy.properties = Object.fromEntries(
      Object.entries(copy.properties).map(([key, value]) => [key, withoutTitles(value)])
    )
  }
  if (copy.items && !Array.isArray(copy.items)) copy.items = withoutTitles(copy.items)
  return copy
}

async function render(target: Target, prettierOptions: prettier.Options): Promise<string> {
  const schema = withoutTitles(fieldsToJsonSchema(target.fields, { tsType: true }))
  const source = await compile(schema, target.typeName, { bannerComment: BANNER, format: false })
  return prettier.format(source, { ...prettierOptions, parser: 'typescript' })
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check')
  const root = path.resolve(__dirname, '..')
  const cloud = drift as DestinationDefinition<unknown>
  const all = [
    ...targets(cloud, cloud.authentication?.fields ?? {}, path.join(root, 'destinations', 'drift')),
    ...targets(
      driftBrowserDestination as unknown as Definition,
      driftBrowserDestination.settings ?? {},
      path.join(root, 'destinations', 'drift-web')
    )
  ]
  const prettierOptions = (await prettier.resolveConfig(path.join(root, 'package.json'))) ?? {}
  const stale: string[] = []
  for (const target of all) {
    const text = await render(target, prettierOptions)
    const current = existsSync(target.file) ? readFileSync(target.file, 'utf8') : undefined
    if (current === text) continue
    const relative = path.relative(root, target.file)
    if (check) stale.push(relative)
    else {
      writeFileSync(target.file, text)
      console.log(`wrote ${relative}`)
    }
  }
  if (check) {
    if (stale.length > 0) {
      console.error(`Out of date (run npm run types): ${stale.join(', ')}`)
      process.exit(1)
    }
    console.log('Generated types are up to date.')
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
