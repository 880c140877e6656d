// The API token must never reach stdout, stderr, the rejects file or an error message. Everything the replay
// writes goes through one Redactor, which replaces every occurrence of a secret, whatever produced the text.

export const REDACTED = '[redacted]'

export class Redactor {
  private readonly secrets: string[]

  constructor(secrets: Array<string | undefined>) {
    // Longest first, so a secret containing another is replaced whole.
    const given = secrets.filter((s): s is string => typeof s === 'string' && s.length > 0)
    // Also the form a secret takes inside JSON text (quotes and backslashes escaped).
    const escaped = given.map((s) => JSON.stringify(s).slice(1, -1))
    this.secrets = [...new Set([...given, ...escaped])].sort((a, b) => b.length - a.length)
  }

  text(value: string): string {
    let out = value
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED)
    // A bearer header in an error dump, whatever token it carries.
    return out.replace(/(Bearer\s+)[^\s"']+/gi, `$1${REDACTED}`)
  }

  /** JSON text of `value` with secrets replaced (also inside keys and nested strings). */
  json(value: unknown): string {
    return this.text(JSON.stringify(value))
  }
}
