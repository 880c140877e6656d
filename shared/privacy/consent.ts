/**
 * Consent gating (Segment's consent specification): an event carries `context.consent.categoryPreferences`, an
 * object of category name → true/false, stamped by consent wrappers such as `@segment/analytics-consent-tools`.
 * Drift gets an event only when every category in `consentCategories` is `true` there. Pure and zod-free: it
 * runs in the browser plugin, the cloud actions and the replay alike, with the same reasons everywhere.
 */
import { isNullish } from '../absent'
import { isRecord } from '../record'

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

/**
 * The one label under which cloud actions report, and the replay counts, events skipped for consent. Reasons
 * start with it and list what failed, terse and structured: `no consent: Marketing false, Analytics absent`
 * (a category is `false`, `absent` or `invalid`: anything but a boolean), `no consent: context.consent invalid`
 * (consent or its preferences not an object, or unreadable), `no consent: context.consent.categoryPreferences
 * missing`.
 */
export const NO_CONSENT = 'no consent'

/** Consent that is there but malformed or unreadable: not nullish (so not missing) and not an object (so denied). */
const INVALID = false

/**
 * Reads `context.consent.categoryPreferences` from a Segment event (anything with a `context`), for
 * `consentStatus`. Absent event, context or consent: `undefined` (missing). A `consent` that is not an object,
 * or anything that cannot be read (a throwing getter, a revoked Proxy), comes back as a marker that
 * `consentStatus` denies: garbage is not "no consent given".
 */
export function categoryPreferencesOf(event: unknown): unknown {
  try {
    // A context that is no object (a string, a number) has no consent: missing, like an absent one.
    return categoryPreferencesOfConsent((event as { context?: { consent?: unknown } } | null)?.context?.consent)
  } catch {
    return INVALID
  }
}

/** The same from the `context.consent` object itself (e.g. a cloud action field mapped from `$.context.consent`). */
export function categoryPreferencesOfConsent(consent: unknown): unknown {
  try {
    return isNullish(consent) ? undefined : isRecord(consent) ? consent.categoryPreferences : INVALID
  } catch {
    return INVALID
  }
}

/**
 * The consent status of `preferences` (the value of `context.consent.categoryPreferences`, as read by
 * `categoryPreferencesOf` or mapped into a cloud payload) for the `required` categories. Names are compared
 * exactly (case-sensitive, as consent tools send them). Only the boolean `true` grants: `false`, an absent
 * category, or a value such as `"true"` or `1` denies. Preferences that are not an object (or cannot be read)
 * deny every required category. No required category: always granted, whatever the event carries.
 */
export function consentStatus(preferences: unknown, required: readonly string[]): ConsentStatus {
  if (required.length > 0 && isNullish(preferences)) return { status: 'missing' }
  let categories: string[] = []
  let problems: string[] = []
  try {
    for (const category of required) {
      if (!isRecord(preferences)) throw preferences
      // Own keys only: a category named "constructor" must not read Object.prototype.
      const value = {}.hasOwnProperty.call(preferences, category) ? preferences[category] : undefined
      if (value === true) continue
      categories.push(category)
      problems.push(`${category} ${value === false ? 'false' : value === undefined ? 'absent' : 'invalid'}`)
    }
  } catch {
    // Not an object, or unreadable (a throwing getter): every required category is denied.
    categories = [...required]
    problems = ['context.consent invalid']
  }
  return categories.length > 0
    ? { status: 'denied', categories, reason: `${NO_CONSENT}: ${problems.join(', ')}` }
    : { status: 'granted' }
}

/** The consent status of a whole Segment event (reads `context.consent.categoryPreferences` defensively). */
export function eventConsentStatus(event: unknown, required: readonly string[]): ConsentStatus {
  return consentStatus(categoryPreferencesOf(event), required)
}

/**
 * Applies `consentWhenMissing` (default `send`, as Segment sends events without consent): granted sends,
 * denied never does, missing sends unless the setting says `skip`. `reason` is for a "skipped" report or a log.
 */
export function consentVerdict(status: ConsentStatus, whenMissing: ConsentWhenMissing = 'send'): ConsentVerdict {
  const reason =
    status.status === 'denied'
      ? status.reason
      : status.status === 'missing' && whenMissing === 'skip'
        ? `${NO_CONSENT}: context.consent.categoryPreferences missing`
        : ''
  return reason ? { send: false, status, reason } : { send: true, status }
}
