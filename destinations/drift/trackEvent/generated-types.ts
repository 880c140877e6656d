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
   * The timeline event name (Drift shows it in lower case).
   */
  event_name: string
  /**
   * When the event happened (ISO-8601), sent as createdAt in milliseconds, Drift's unit.
   */
  timestamp?: string | number
  /**
   * Event properties, flattened by the mapping core (nested keys joined with the separator, dates as timestamps in the Date Unit setting).
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
