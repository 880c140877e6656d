import { extractSnippets, SKIP_MARK } from '../snippets'

describe('Drift.snippets', () => {
  it('should find ts and js blocks with their line and heading, and skip only the marked ones', () => {
    const text = [
      '# Title',
      '## Quick start',
      '```ts',
      "import { driftPlugin } from 'drift-analytics-destination/web'",
      '```',
      '```sh',
      'npm i x',
      '```',
      '### Other',
      '```js',
      `${SKIP_MARK} needs a page`,
      'analytics.track("x")',
      '```',
      '```html',
      '<script></script>',
      '```'
    ].join('\n')
    expect(extractSnippets('README.md', text)).toEqual([
      {
        where: 'README.md:3',
        lang: 'ts',
        code: "import { driftPlugin } from 'drift-analytics-destination/web'",
        heading: 'Quick start',
        skipped: false
      },
      {
        where: 'README.md:10',
        lang: 'js',
        code: `${SKIP_MARK} needs a page\nanalytics.track("x")`,
        heading: 'Other',
        skipped: true
      }
    ])
  })

  it('should refuse a block that is never closed, naming the file and line', () => {
    expect(() => extractSnippets('docs/x.md', 'text\n```ts\nconst a = 1\n')).toThrow(
      'docs/x.md:2: code block not closed'
    )
  })
})
