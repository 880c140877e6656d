import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DRIFT_DEFAULT_ATTRIBUTES } from '../defaults'

/** docs/mapping.md's table of Drift's default attributes: where each comes from and how sure that is. */
function documentedRows(): Map<string, { type: string; from: string; sure: string }> {
  const text = readFileSync(join(__dirname, '..', '..', 'docs', 'mapping.md'), 'utf8')
  const section = text.slice(text.indexOf("## Drift's default attributes"))
  const rows = new Map<string, { type: string; from: string; sure: string }>()
  for (const [, name, type, from, sure] of section.matchAll(/^\| `(\w+)` \| (\w+) \| (.+?) \| (\[\w+\]) \|$/gm)) {
    rows.set(name, { type, from, sure })
  }
  return rows
}

describe('Drift.defaultAttributes', () => {
  it('should document every default attribute with its type, its source and how sure that is', () => {
    const rows = documentedRows()
    expect([...rows.keys()]).toEqual(DRIFT_DEFAULT_ATTRIBUTES.map((attribute) => attribute.name))
    for (const { name, type, specTrait } of DRIFT_DEFAULT_ATTRIBUTES) {
      const row = rows.get(name)
      expect([name, row?.type]).toEqual([name, type])
      expect(['[doc]', '[code]', '[guess]']).toContain(row?.sure)
      // A spec trait is documented as that trait; the others say where their value comes from.
      if (specTrait) expect([name, row?.from]).toEqual([name, `trait \`${specTrait}\``])
      else expect(row?.from).not.toMatch(/^trait/)
    }
  })
})
