import { z } from 'zod'
import { CLOUD_SETTINGS, cloudSettingProblem } from '../shared/cloud-settings-rules'
import { UsageError } from './errors'
import { DEFAULT_RATE, parseRate } from './pacer'
import { MIN_TOKEN_CHARS } from './redact'
import type { ReplayOptions } from './replay'
import { variantOptions } from './sandbox-command'

// The replay's flags (as commander hands them over: strings and booleans) checked with zod and turned into
// ReplayOptions. Every problem is a UsageError naming the flag and the rule, before anything starts; a token is
// never repeated in a message.

/** A whole number from `min` to `max`, given as text. */
const wholeNumber = (flag: string, min: number, max: number) =>
  z.string().transform((text, ctx) => {
    const n = Number(text)
    if (!/^\d+$/.test(text) || n < min || n > max) {
      ctx.addIssue({
        code: 'custom',
        message: `--${flag} must be a whole number from ${min} to ${max} (got "${text}")`
      })
      return z.NEVER
    }
    return n
  })

/** A duration such as `90s`, `30m`, `2h` or plain milliseconds. */
const duration = (flag: string) =>
  z.string().transform((text, ctx) => {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|min|h)?$/.exec(text.trim())
    const unit = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 }[match?.[2] ?? 'ms'] ?? 1
    if (!match || !(Number(match[1]) > 0)) {
      ctx.addIssue({ code: 'custom', message: `--${flag} must be a duration such as 90s, 30m or 2h (got "${text}")` })
      return z.NEVER
    }
    return Math.round(Number(match[1]) * unit)
  })

/** A destination setting checked by the destination's own rule, so a bad value stops the command (exit 2). */
const setting = (flag: string, name: keyof typeof CLOUD_SETTINGS) =>
  z.string().superRefine((value, ctx) => {
    const problem = cloudSettingProblem(name, value)
    if (problem) ctx.addIssue({ code: 'custom', message: `--${flag}: ${problem}` })
  })

/** A list setting given as comma-separated text (`Marketing,Analytics`; '' is the empty list), checked the same way. */
const listSetting = (flag: string, name: keyof typeof CLOUD_SETTINGS) =>
  z
    .string()
    .transform((text) =>
      text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
    )
    .superRefine((value, ctx) => {
      const problem = cloudSettingProblem(name, value)
      if (problem) ctx.addIssue({ code: 'custom', message: `--${flag}: ${problem}` })
    })

const ReplayFlags = z
  .object({
    apiBase: z
      .string()
      .superRefine((value, ctx) => {
        const problem = cloudSettingProblem('apiBaseUrl', value)
        if (problem) ctx.addIssue({ code: 'custom', message: `--api-base: ${problem}` })
      })
      .optional(),
    token: z
      .string()
      .min(MIN_TOKEN_CHARS, `--token: too short to be a Drift API token (fewer than ${MIN_TOKEN_CHARS} characters)`)
      .superRefine((value, ctx) => {
        if (cloudSettingProblem('apiToken', value)) {
          ctx.addIssue({ code: 'custom', message: '--token: a Drift API token is printable characters without spaces' })
        }
      })
      .optional(),
    sandbox: z.boolean().optional(),
    stateFile: z.string().min(1, '--state-file needs a file name').optional(),
    keepOpen: z.boolean().optional(),
    port: wholeNumber('port', 0, 65535).optional(),
    dryRun: z.boolean().optional(),
    rate: z
      .string()
      .transform((text, ctx) => {
        try {
          return parseRate(text) ?? null
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message })
          return z.NEVER
        }
      })
      .optional(),
    concurrency: wholeNumber('concurrency', 1, 256).optional(),
    maxAttempts: wholeNumber('max-attempts', 1, 100).optional(),
    timeout: wholeNumber('timeout', 1, 600_000).optional(),
    deadline: duration('deadline').optional(),
    checkpoint: z.union([z.string().min(1, '--checkpoint needs a file name'), z.literal(false)]).optional(),
    fresh: z.boolean().optional(),
    rejects: z.string().min(1, '--rejects needs a file name').optional(),
    accountOwnerId: setting('account-owner-id', 'accountOwnerId').optional(),
    dateUnit: setting('date-unit', 'dateUnit').optional(),
    separator: setting('separator', 'separator').optional(),
    consentCategories: listSetting('consent-categories', 'consentCategories').optional(),
    consentWhenMissing: setting('consent-when-missing', 'consentWhenMissing').optional(),
    blockedAttributes: listSetting('blocked-attributes', 'blockedAttributes').optional(),
    json: z.boolean().optional(),
    quiet: z.boolean().optional()
  })
  .loose()

export interface ParsedReplay {
  options: ReplayOptions
  json: boolean
  quiet: boolean
}

/** Turns the replay's input and flags into options; throws UsageError naming the flag and the rule. */
export function replayOptionsFrom(
  input: string,
  flags: Record<string, unknown>,
  env: Record<string, string | undefined>
): ParsedReplay {
  const embedded = flags.sandbox === true || flags.stateFile !== undefined || flags.keepOpen === true
  // DRIFT_API_TOKEN is ignored when an embedded sandbox is asked for.
  const envToken = embedded ? undefined : env.DRIFT_API_TOKEN || undefined
  const parsed = ReplayFlags.safeParse({ ...flags, token: flags.token ?? envToken })
  if (!parsed.success) {
    const message = parsed.error.issues[0].message
    // The token came from the environment: say so (the rule is the same).
    throw new UsageError(flags.token === undefined ? message.replace('--token:', 'DRIFT_API_TOKEN:') : message)
  }
  const v = parsed.data
  const sandbox = v.sandbox === true || v.stateFile !== undefined || v.keepOpen === true
  if (sandbox && (v.apiBase !== undefined || flags.token !== undefined)) {
    throw new UsageError('--sandbox, --state-file and --keep-open use an embedded sandbox: drop --api-base/--token')
  }
  const settings: Record<string, unknown> = {}
  if (v.accountOwnerId !== undefined) settings.accountOwnerId = v.accountOwnerId
  if (v.dateUnit !== undefined) settings.dateUnit = v.dateUnit
  if (v.separator !== undefined) settings.separator = v.separator
  if (v.consentCategories !== undefined) settings.consentCategories = v.consentCategories
  if (v.consentWhenMissing !== undefined) settings.consentWhenMissing = v.consentWhenMissing
  if (v.blockedAttributes !== undefined) settings.blockedAttributes = v.blockedAttributes
  const options: ReplayOptions = {
    input,
    apiBase: sandbox ? undefined : v.apiBase,
    token: sandbox ? undefined : v.token,
    sandbox,
    sandboxOptions: { stateFile: v.stateFile, port: v.port, ...variantOptions(flags) },
    keepSandbox: v.keepOpen === true && !v.dryRun,
    dryRun: v.dryRun === true,
    settings,
    rate: v.rate === undefined ? DEFAULT_RATE : v.rate,
    concurrency: v.concurrency,
    maxAttempts: v.maxAttempts,
    timeoutMs: v.timeout,
    deadlineMs: v.deadline,
    checkpoint: v.checkpoint,
    fresh: v.fresh === true,
    rejects: v.rejects
  }
  return { options, json: v.json === true, quiet: v.quiet === true }
}
