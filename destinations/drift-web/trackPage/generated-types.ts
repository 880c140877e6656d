// Generated file. DO NOT MODIFY IT BY HAND: run `npm run types` after changing the fields.

export interface Payload {
  /**
   * The name of the page.
   */
  name?: string
  /**
   * The category of the page. With a name, Drift receives "category name".
   */
  category?: string
  /**
   * Used as the page name when there is neither a name nor a category (else the document title).
   */
  title?: string
  /**
   * The known user, identified once on the first page if nobody was identified yet.
   */
  user_id?: string | null
}
