// Generated file. DO NOT MODIFY IT BY HAND: run `npm run types` after changing the fields.

export interface Payload {
  /**
   * Your unique id for the user, sent as Drift's externalId. The contact is found by it; without it, by email.
   */
  external_id?: string
  /**
   * The contact email. Drift needs it to create a contact; without a user id the contact is found by it.
   */
  email?: string
  /**
   * The full name, sent as the name attribute.
   */
  name?: string
  /**
   * Sent as the first_name attribute (replaces the firstName trait).
   */
  first_name?: string
  /**
   * Sent as the last_name attribute (replaces the lastName trait).
   */
  last_name?: string
  /**
   * Sent as the phone attribute, as text.
   */
  phone?: string
  /**
   * When the user signed up, sent as the start_date attribute: always epoch milliseconds (the unit Drift stores, whatever the Date Unit setting): an ISO-8601 date is converted, Unix seconds are multiplied by 1000.
   */
  start_date?: string | number
  /**
   * Sent as the recent_source attribute (text) unless the traits give one.
   */
  recent_source?: string
  /**
   * More attributes, flattened by the mapping core: nested keys joined with the separator, dates as timestamps, arrays as text. The id trait is dropped.
   */
  custom_attributes?: {
    [k: string]: unknown
  }
  /**
   * The event's consent (context.consent): its categoryPreferences must grant every category of the Consent Categories setting, or the event is skipped.
   */
  consent?: {
    [k: string]: unknown
  }
}
