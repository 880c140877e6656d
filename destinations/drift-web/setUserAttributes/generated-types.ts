// Generated file. DO NOT MODIFY IT BY HAND: run `npm run types` after changing the fields.

export interface Payload {
  /**
   * Attributes of the visitor. Spec traits get Drift names, nested objects are flattened and dates become timestamps.
   */
  attributes: {
    [k: string]: unknown
  }
  /**
   * The UTM source. Sent as the recent_source attribute unless the attributes give one.
   */
  campaign_source?: string
}
