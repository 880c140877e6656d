// Generated file. DO NOT MODIFY IT BY HAND: run `npm run types` after changing the fields.

export interface Payload {
  /**
   * Your unique id for the user. Drift ties the visitor to it; placeholders and blocked ids are refused. Without a user id (or in identity mode "attributes") the traits are sent as visitor attributes once the widget is ready.
   */
  user_id?: string | null
  /**
   * Attributes of the user. The id trait is removed, spec traits get Drift names (firstName → first_name, createdAt → start_date), nested objects are flattened and dates become timestamps.
   */
  traits?: {
    [k: string]: unknown
  }
  /**
   * A JWT your backend signed for this user (HS256, sub = user id), sent to Drift as userJwt. When empty, integrations.Drift.userJwt (or signedIdentity, jwt) and then the signedIdentity setting are used.
   */
  user_jwt?: string
  /**
   * The UTM source. Sent as the recent_source attribute unless the traits give one.
   */
  campaign_source?: string
}
