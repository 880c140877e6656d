// Generated file. DO NOT MODIFY IT BY HAND: run `npm run types` after changing the fields.

export interface Settings {
  /**
   * A Drift API token (Drift app settings) with the contact_read and contact_write scopes; account_write for group calls.
   */
  apiToken: string
  /**
   * Drift's API origin. Change it only to point at a stand-in such as the sandbox (http on localhost only).
   */
  apiBaseUrl?: string
  /**
   * The Drift user id that owns the accounts created from group calls (Drift requires an owner).
   */
  accountOwnerId?: string
  /**
   * How custom Date values in traits and properties are sent: milliseconds (Drift's unit) or Unix seconds (as Segment's classic Drift integration). Drift's own date attributes (start_date, last_active, …) and timeline createdAt are always milliseconds.
   */
  dateUnit?: 'seconds' | 'milliseconds'
  /**
   * Joins the keys of nested traits and properties into one attribute name (address.city → address_city). 1 to 3 symbols.
   */
  separator?: string
  /**
   * User ids that are never sent to Drift (shared demo accounts, for example): such events are refused. Compared case-insensitively; entries must not be blank or padded with spaces.
   */
  blockedUserIds?: string[]
  /**
   * Consent categories (Segment's consent specification, e.g. Marketing or OneTrust's C0004) that must all be granted in the event's context.consent.categoryPreferences; other events are skipped with the reason, never retried. Empty: no gating.
   */
  consentCategories?: string[]
  /**
   * With Consent Categories set, what to do with an event that carries no consent preferences at all: send it (as Segment does) or skip it.
   */
  consentWhenMissing?: 'send' | 'skip'
  /**
   * Attribute names never sent to Drift, with * as a wildcard, matched against the flattened name and the last key of its path (card_number also blocks billing.card_number), in any case. Blocked attributes are dropped with a warning naming them, never their value. Your list replaces the default list of obvious secrets; an empty list turns blocking off.
   */
  blockedAttributes?: string[]
}
