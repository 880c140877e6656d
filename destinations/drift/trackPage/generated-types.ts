// Generated file. DO NOT MODIFY IT BY HAND: run `npm run types` after changing the fields.

export interface Payload {
  /**
   * Your unique id for the user (Drift's externalId): the event is posted by it; a user id not seen before is first confirmed with one lookup.
   */
  external_id?: string
  /**
   * Finds the contact when there is no user id, and creates the contact when Drift does not know the user id yet.
   */
  email?: string
  /**
   * The event is named "Page - <name>"; without a name, "Page - <path>".
   */
  name?: string
  /**
   * The page URL, sent as the url attribute.
   */
  url?: string
  /**
   * The page path, sent as the path attribute and used in the event name without a page name.
   */
  path?: string
  /**
   * The page title, sent as the title attribute.
   */
  title?: string
  /**
   * The referring URL, sent as the referrer attribute.
   */
  referrer?: string
  /**
   * When the page was viewed (ISO-8601), sent as createdAt in milliseconds, Drift's unit.
   */
  timestamp?: string | number
  /**
   * Other page properties, flattened by the mapping core like event properties.
   */
  properties?: {
    [k: string]: unknown
  }
  /**
   * The event's consent (context.consent): its categoryPreferences must grant every category of the Consent Categories setting, or the event is skipped.
   */
  consent?: {
    [k: string]: unknown
  }
}
