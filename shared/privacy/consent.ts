/**
 * Consent gating (Segment's consent specification): an event carries `context.consent.categoryPreferences`, an
 * object of category name → true/false, stamped by consent wrappers such as `@segment/analytics-consent-tools`.
 * Drift gets an event only when every category in `consentCategories` is `true` there. Pure and zod-free: it
 * runs in the browser plugin, the cloud actions and the replay alike.
 */
import { isNullish } from '../absent'

/** What to do with an event that carries no consent preferences at all (Segment sends such events). */
export type ConsentWhenMissing = 'send' | 'skip'

export const CONSENT_WHEN_MISSING: readonly ConsentWhenMissing[] = ['send', 'skip']

/** The consent an event carries, for the categories Drift needs. */
export type ConsentStatus =
  /** Every required category is `true` (or none is required). */
  | { status: 'granted' }
  /** At least one required category is not `true`; `categories` lists them, `reason` says why, never a value. */
  | { status: 'denied'; categories: string[]; reason: string }
  /** The event has no `context.consent.categoryPreferences` (absent or null). */
  | { status: 'missing' }

/** Whether Drift gets the event: the status plus the `consentWhenMissing` rule. */
export type ConsentVerdict =
  { send: true; status: ConsentStatus } | { send: false; status: ConsentStatus; reason: string }

const PATH = 'context.consent.categoryPreferences'

/** The one label under which cloud actions report, and the replay counts, events skipped for consent. */
export const NO_CONSENT = 'no consent'

const FOR_DRIFT = 'no consent for Drift: '

const kindOf = (value: unknown) =>
  Array.isArray(value)
    ? 'a list'
    : value === null
      ? 'null'
      : typeof value === 'object'
        ? 'an object'
        : `a ${typeof value}`

/** An object that is not a list (null and lists are not). */
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Marks consent that is there but malformed, so it is denied rather than taken as missing. */
class InvalidConsent {
  constructor(readonly problem: string) {}
}

/** `read()`, or consent that could not be read (a throwing getter, a revoked Proxy): that is not consent. */
function readOr(read: () => unknown, what: string): unknown {
  try {
    return read()
  } catch {
    return new InvalidConsent(`${what} could not be read`)
  }
}

/**
 * Reads `context.consent.categoryPreferences` from a Segment event (anything with a `context`), for
 * `consentStatus`. Absent event, context or consent: `undefined` (missing). A `consent` that is not an object,
 * or that cannot be read, comes back as a marker that `consentStatus` denies: garbage is not "no consent given".
 */
export function categoryPreferencesOf(event: unknown): unknown {
  return readOr(() => {
    const context = (event as { context?: unknown } | null)?.context
    return typeof context === 'object' && context
      ? categoryPreferencesOfConsent((context as { consent?: unknown }).consent)
      : undefined
  }, 'context')
}

/** The same from the `context.consent` object itself (e.g. a cloud action field mapped from `$.context.consent`). */
export function categoryPreferencesOfConsent(consent: unknown): unknown {
  return readOr(
    () =>
      isNullish(consent)
        ? undefined
        : isRecord(consent)
          ? consent.categoryPreferences
          : new InvalidConsent(`context.consent is ${kindOf(consent)}, not an object`),
    'context.consent'
  )
}

/**
 * The consent status of `preferences` (the value of `context.consent.categoryPreferences`, as read by
 * `categoryPreferencesOf` or mapped into a cloud payload) for the `required` categories. Names are compared
 * exactly (case-sensitive, as consent tools send them). Only the boolean `true` grants: `false`, an absent
 * category, or a value such as `"true"` or `1` denies. Preferences that are not an object deny every required
 * category. No required category: always granted, whatever the event carries.
 */
export function consentStatus(preferences: unknown, required: readonly string[]): ConsentStatus {
  const granted: ConsentStatus = { status: 'granted' }
  if (required.length === 0) return granted
  if (isNullish(preferences)) return { status: 'missing' }
  const denied = (categories: string[], problem: string): ConsentStatus => ({
    status: 'denied',
    categories,
    reason: FOR_DRIFT + problem
  })
  if (preferences instanceof InvalidConsent) return denied([...required], preferences.problem)
  if (!isRecord(preferences)) {
    return denied([...required], `${PATH} is ${kindOf(preferences)}, not an object of category → true or false`)
  }
  const problems: string[] = []
  const categories: string[] = []
  try {
    for (const category of required) {
      // Own keys only: a category named "constructor" must not read Object.prototype.
      const value = Object.prototype.hasOwnProperty.call(preferences, category) ? preferences[category] : undefined
      if (value === true) continue
      categories.push(category)
      problems.push(
        `"${category}" is ` +
          (value === false ? 'false' : value === undefined ? 'absent' : `${kindOf(value)}, not true or false`)
      )
    }
  } catch {
    return denied([...required], `${PATH} could not be read`)
  }
  return categories.length === 0 ? granted : denied(categories, `${problems.join(', ')} in ${PATH}`)
}

/** The consent status of a whole Segment event (reads `context.consent.categoryPreferences` defensively). */
export function eventConsentStatus(event: unknown, required: readonly string[]): ConsentStatus {
  return consentStatus(required.length === 0 ? undefined : categoryPreferencesOf(event), required)
}

/**
 * Applies `consentWhenMissing` (default `send`, as Segment sends events without consent): granted sends,
 * denied never does, missing sends unless the setting says `skip`. `reason` is for a "skipped" report or a log.
 */
export function consentVerdict(status: ConsentStatus, whenMissing: ConsentWhenMissing = 'send'): ConsentVerdict {
  if (status.status === 'denied') return { send: false, status, reason: status.reason }
  if (status.status === 'granted' || whenMissing === 'send') return { send: true, status }
  return { send: false, status, reason: `${FOR_DRIFT}the event has no ${PATH} and consentWhenMissing is "skip"` }
}

/**
 * Settings rules (the settings tables' convention, shared/setting-rule-builders.ts): the problem without the
 * setting's name, which the checker puts in front (`must be …`, or `[i] must be …` for a list entry), or undefined.
 */
export function consentCategoriesRule(value: unknown): string | undefined {
  if (!Array.isArray(value)) return 'must be a list of consent category names'
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i]
    if (typeof item !== 'string' || item.trim() === '') return `[${i}] must be a category name, not blank`
    if (item.trim() !== item) return `[${i}] must not have spaces around it ("${item.trim()}")`
  }
  return undefined
}

export function consentWhenMissingRule(value: unknown): string | undefined {
  return value === 'send' || value === 'skip' ? undefined : 'must be "send" or "skip"'
}

/** Ready to add to the device and cloud settings tables. An empty list (the default) turns gating off. */
export const CONSENT_SETTINGS = {
  consentCategories: { rule: consentCategoriesRule, default: [] as string[] },
  consentWhenMissing: { rule: consentWhenMissingRule, default: 'send' as ConsentWhenMissing }
}
