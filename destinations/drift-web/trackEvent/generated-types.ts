// Generated file. DO NOT MODIFY IT BY HAND: run `npm run types` after changing the fields.

export interface Payload {
  /**
   * The name of the event. Drift recommends reusing event names and varying the properties.
   */
  event_name: string
  /**
   * Properties of the event. Drift takes a flat object: nested objects are flattened, arrays joined and dates become timestamps.
   */
  properties?: {
    [k: string]: unknown
  }
}
