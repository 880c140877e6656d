import { z } from 'zod'

// Where Drift's documentation is silent, the sandbox can answer each plausible way (drift-reference.md, "Behaviours
// Drift does not document"). One setting per behaviour; the first choice of each is the default.

export const VARIANT_CHOICES = {
  /** `GET /contacts`: `data` as a list (Drift's text, public clients) or one object (Drift's own example). */
  lookupShape: ['list', 'object'],
  /** `POST /contacts` for an existing contact: 409 with the existing id, 409 without it, or 400 with a message. */
  duplicateContact: ['409-with-id', '409-without-id', '400-message'],
  /** `POST /accounts/create` for an existing domain: 409 with the existing accountId, or 400 without any id. */
  duplicateAccount: ['409-with-id', '400-without-id'],
  /** `POST /contacts/timeline` for an unknown externalId: 404, 400, or 200 with the event dropped. */
  unknownTimeline: ['404', '400', '200-dropped'],
  /** `PATCH /accounts/update` customProperties: merged by name, or the list replaced whole. */
  accountCustomProperties: ['merged', 'replaced'],
  /** 429 answers: with a `Retry-After` header, or without. */
  retryAfter: ['sent', 'absent']
} as const

export type VariantName = keyof typeof VARIANT_CHOICES
export type Variants = { [K in VariantName]: (typeof VARIANT_CHOICES)[K][number] }

export const DEFAULT_VARIANTS: Readonly<Variants> = Object.freeze(
  Object.fromEntries(Object.entries(VARIANT_CHOICES).map(([name, choices]) => [name, choices[0]])) as Variants
)

/** The variants as a zod schema (every field optional: missing ones keep their default), unknown keys refused. */
export const variantsSchema = z
  .object({
    lookupShape: z.enum(VARIANT_CHOICES.lookupShape),
    duplicateContact: z.enum(VARIANT_CHOICES.duplicateContact),
    duplicateAccount: z.enum(VARIANT_CHOICES.duplicateAccount),
    unknownTimeline: z.enum(VARIANT_CHOICES.unknownTimeline),
    accountCustomProperties: z.enum(VARIANT_CHOICES.accountCustomProperties),
    retryAfter: z.enum(VARIANT_CHOICES.retryAfter)
  })
  .partial()
  .strict()

/** The command-line flag of each variant (`--lookup-shape object`), for serve.ts. */
export const VARIANT_FLAGS: Readonly<Record<VariantName, string>> = {
  lookupShape: '--lookup-shape',
  duplicateContact: '--duplicate-contact',
  duplicateAccount: '--duplicate-account',
  unknownTimeline: '--unknown-timeline',
  accountCustomProperties: '--account-custom-properties',
  retryAfter: '--retry-after'
}

/** Checks variants from a file, a flag or a request; the error names the field and its allowed values. */
export function parseVariants(input: unknown, where = 'variants'): Partial<Variants> {
  const parsed = variantsSchema.safeParse(input ?? {})
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const field = issue.path.length > 0 ? `${where}.${issue.path.join('.')}` : where
  const name = issue.path[0] as VariantName | undefined
  const allowed =
    name !== undefined && name in VARIANT_CHOICES
      ? `one of ${VARIANT_CHOICES[name].join(', ')}`
      : issue.code === 'unrecognized_keys'
        ? `known variants only (${Object.keys(VARIANT_CHOICES).join(', ')}); got ${issue.keys.join(', ')}`
        : 'an object of variant names to choices'
  throw new Error(`${field} must be ${allowed}`)
}

/** Variants from command-line flags (`argValue` reads `--name value`), checked; flags not given are left out. */
export function variantsFromArgs(argValue: (flag: string) => string | undefined): Partial<Variants> {
  const given: Record<string, string> = {}
  for (const [name, flag] of Object.entries(VARIANT_FLAGS)) {
    const value = argValue(flag)
    if (value !== undefined) given[name] = value
  }
  try {
    return parseVariants(given)
  } catch (error) {
    const [name] = Object.keys(given).filter((key) => (error as Error).message.startsWith(`variants.${key} `))
    const flag = VARIANT_FLAGS[name as VariantName]
    throw new Error(flag ? (error as Error).message.replace(`variants.${name}`, flag) : (error as Error).message)
  }
}

/** The defaults, then each other choice of each variant on its own: the rows of `bench:replay --variants`. */
export function variantMatrix(): Array<{ name: string; variants: Variants }> {
  const rows = [{ name: 'default', variants: { ...DEFAULT_VARIANTS } }]
  for (const [name, choices] of Object.entries(VARIANT_CHOICES) as Array<[VariantName, readonly string[]]>) {
    for (const choice of choices.slice(1)) {
      rows.push({ name: `${name}=${choice}`, variants: { ...DEFAULT_VARIANTS, [name]: choice } as Variants })
    }
  }
  return rows
}
