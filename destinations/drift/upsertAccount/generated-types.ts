// Generated file. DO NOT MODIFY IT BY HAND: run `npm run types` after changing the fields.

export interface Payload {
  /**
   * The account's unique domain: a website such as https://www.example.com/about becomes example.com.
   */
  domain?: string
  /**
   * Drift's id for the account (as in Drift, e.g. 123458_example.com), for accounts created outside this destination: the account is updated by it.
   */
  account_id?: string
  /**
   * The account name.
   */
  name?: string
  /**
   * The Drift user id who owns the account; without it, the Account Owner Id setting.
   */
  owner_id?: string
  /**
   * Whether the account is a target account in Drift.
   */
  targeted?: boolean
  /**
   * Sent as Drift custom properties, flattened by the mapping core; the id, name, domain and website traits are left out.
   */
  custom_properties?: {
    [k: string]: unknown
  }
  /**
   * The event's consent (context.consent): its categoryPreferences must grant every category of the Consent Categories setting, or the event is skipped.
   */
  consent?: {
    [k: string]: unknown
  }
}
