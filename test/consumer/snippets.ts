/**
 * The code blocks of README.md and docs/*.md: every ```ts / ```js block is type-checked against the installed
 * package, unless its first line is `// Not runnable as is: <reason>` (then it is skipped, visibly).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export const SKIP_MARK = '// Not runnable as is:'

export interface Snippet {
  /** `README.md:203`: the file and the line of the opening fence. */
  where: string
  lang: 'ts' | 'js'
  code: string
  /** The heading the block sits under (the quick starts are found by it). */
  heading: string
  skipped: boolean
}

export function markdownFiles(root: string): string[] {
  const docs = join(root, 'docs')
  const inDocs = existsSync(docs)
    ? readdirSync(docs)
        .filter((name) => name.endsWith('.md'))
        .map((name) => join('docs', name))
    : []
  return ['README.md', ...inDocs.sort()]
}

export function extractSnippets(file: string, text: string): Snippet[] {
  const snippets: Snippet[] = []
  const lines = text.split('\n')
  let heading = ''
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w*)\s*$/.exec(lines[i])
    if (!fence) {
      if (/^#{1,6} /.test(lines[i])) heading = lines[i].replace(/^#+ /, '')
      continue
    }
    const end = lines.findIndex((line, j) => j > i && /^```\s*$/.test(line))
    if (end < 0) throw new Error(`${file}:${i + 1}: code block not closed`)
    const lang = fence[1]
    if (['ts', 'typescript', 'js', 'javascript'].includes(lang)) {
      const code = lines.slice(i + 1, end).join('\n')
      snippets.push({
        where: `${file}:${i + 1}`,
        lang: lang.startsWith('t') ? 'ts' : 'js',
        code,
        heading,
        skipped: code.trimStart().startsWith(SKIP_MARK)
      })
    }
    i = end
  }
  return snippets
}

export function allSnippets(root: string): Snippet[] {
  return markdownFiles(root).flatMap((file) => extractSnippets(file, readFileSync(join(root, file), 'utf8')))
}
