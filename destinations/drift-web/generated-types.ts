// Generated file. DO NOT MODIFY IT BY HAND: run `npm run types` after changing the fields.

export interface Settings {
  /**
   * The embed id of your Drift widget (Drift > Settings > Widget > Install), e.g. buvw2r8z43np. Letters, digits and "-" only.
   */
  embedId: string
  /**
   * Where the widget script is loaded from: an origin only, https (http only on localhost or 127.0.0.1, for the sandbox). Change it only to serve Drift's widget yourself.
   */
  scriptOrigin?: string
  /**
   * identify: users with a user id are tied to it with drift.identify (use only ids unique to one person). attributes: everything is sent as visitor attributes, never tied to an id.
   */
  identityMode?: 'identify' | 'attributes'
  /**
   * How custom Date values are sent: milliseconds (Drift's unit) or Unix seconds (as Segment’s classic Drift integration). Drift's own date attributes (start_date, last_active, …) are always milliseconds.
   */
  dateUnit?: 'seconds' | 'milliseconds'
  /**
   * Joins the keys of nested objects: address.city becomes address_city. 1 to 3 symbols.
   */
  separator?: string
  /**
   * Drift widget events (e.g. startConversation, emailCapture, scheduling:meetingBooked) sent into analytics as "Drift <Readable Name>" track calls, marked so they never go back into Drift.
   */
  widgetEvents?: string[]
  /**
   * When the widget captures an email (emailCapture), also call analytics.identify with it.
   */
  identifyOnEmailCapture?: boolean
  /**
   * Send identify only with a signed identity (JWT). Turn on when Drift requires signed identities; unsigned identify calls are then skipped with a warning.
   */
  requireSignedIdentity?: boolean
  /**
   * How long to wait for the signedIdentity resolver before going on without a token (or refusing the identify when one is required).
   */
  signedIdentityTimeoutMs?: number
  /**
   * If the widget is not ready within this time, the failure is reported and later calls fail instead of queueing.
   */
  readyTimeoutMs?: number
  /**
   * User ids never sent to Drift (shared demo accounts): visitors sharing an id see each other’s chats. Compared case-insensitively; entries must not be blank or padded with spaces.
   */
  blockedUserIds?: string[]
  /**
   * Consent categories that must all be granted (true in context.consent.categoryPreferences) before the widget loads or anything is sent to Drift, e.g. Marketing or C0004. Empty: no consent gating.
   */
  consentCategories?: string[]
  /**
   * What to do with an event that carries no context.consent.categoryPreferences when consent categories are set: send it (as Segment does) or skip it.
   */
  consentWhenMissing?: 'send' | 'skip'
  /**
   * Attribute names never sent to Drift, * as a wildcard, matched against the flattened name and the part after any separator (card_number also blocks billing.card_number), in any case. Replaces the default list of obvious secrets; an empty list turns blocking off.
   */
  blockedAttributes?: string[]
}
