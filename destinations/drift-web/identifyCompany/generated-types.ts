// Generated file. DO NOT MODIFY IT BY HAND: run `npm run types` after changing the fields.

export interface Payload {
  /**
   * Your id for the company, sent as company_id.
   */
  group_id: string
  /**
   * Attributes of the company, each sent as company_<name> (name becomes company_name), flattened, dates as timestamps.
   */
  traits?: {
    [k: string]: unknown
  }
}
