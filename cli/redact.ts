// The API token must never reach stdout, stderr, the rejects file or an error message. Everything the replay
// writes goes through one Redactor, which replaces the token itself (as written, and as it appears inside JSON
// text) and nothing else, so paths and messages stay readable. Tokens shorter than MIN_TOKEN_CHARS are refused
// as tokens (see cli/flags.ts): replacing a short string everywhere would mangle the output.

export const REDACTED = '[redacted]'
export const MIN_TOKEN_CHARS = 8

export class Redactor {
  private readonly secrets: string[]

  constructor(secrets: Array<string | undefined>) {
    const given = secrets.filter((s): s is string => typeof s === 'string' && s.length >= MIN_TOKEN_CHARS)
    const escaped = given.map((s) => JSON.stringify(s).slice(1, -1))
    // Longest first, so a secret containing another is replaced whole.
    this.secrets = [...new Set([...given, ...escaped])].sort((a, b) => b.length - a.length)
  }

  text(value: string): string {
    let out = value
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED)
    return out
  }

  /** JSON text of `value` with secrets replaced (also inside keys and nested strings). */
  json(value: unknown): string {
    return this.text(JSON.stringify(value))
  }
}
