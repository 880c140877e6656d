/**
 * The attributes Drift knows out of the box, their Drift type, and the Segment spec trait each comes from. Where
 * each fact comes from (and how sure it is) is documented in docs/mapping.md's table of default attributes, not
 * here: these tables are what the mapping core runs on, in the browser too.
 */
export type DriftAttributeType = 'STRING' | 'NUMERIC' | 'BOOLEAN' | 'DATE'

/** Drift's default attributes (names are case-sensitive) and their type, in the order the contact mapping takes them. */
export const DRIFT_ATTRIBUTE_TYPES: Readonly<Record<string, DriftAttributeType>> = {
  email: 'STRING',
  name: 'STRING',
  first_name: 'STRING',
  last_name: 'STRING',
  phone: 'STRING',
  title: 'STRING',
  start_date: 'DATE',
  last_active: 'DATE',
  // From context.campaign.source (utm_source) and from the user id: no trait.
  recent_source: 'STRING',
  externalId: 'STRING'
}

/** The Segment spec trait (top-level key of `traits`) that becomes each default attribute, by Drift name. */
export const SPEC_TRAITS: Readonly<Record<string, string>> = {
  email: 'email',
  name: 'name',
  first_name: 'firstName',
  last_name: 'lastName',
  phone: 'phone',
  title: 'title',
  start_date: 'createdAt',
  last_active: 'last_active'
}

export interface DriftDefaultAttribute {
  /** Drift's attribute name (case-sensitive). */
  name: string
  type: DriftAttributeType
  /** The Segment spec trait (top-level key of `traits`) that becomes this attribute, if any. */
  specTrait?: string
}

/** The two tables as one list (for reading; a bundle that never reads it leaves it out). */
export const DRIFT_DEFAULT_ATTRIBUTES: readonly DriftDefaultAttribute[] = /* @__PURE__ */ Object.entries(
  DRIFT_ATTRIBUTE_TYPES
).map(([name, type]) => (SPEC_TRAITS[name] ? { name, type, specTrait: SPEC_TRAITS[name] } : { name, type }))

export function defaultAttribute(name: string): DriftDefaultAttribute | undefined {
  return DRIFT_DEFAULT_ATTRIBUTES.find((attribute) => attribute.name === name)
}

/**
 * Names of the default attributes Drift stores as dates. Drift keeps them in epoch milliseconds (every contact it
 * returns has `start_date` like 1668615901358 [doc]), so they are always sent in ms, whatever `dateUnit` says.
 */
export const DATE_ATTRIBUTES: ReadonlySet<string> = new Set(
  Object.keys(DRIFT_ATTRIBUTE_TYPES).filter((name) => DRIFT_ATTRIBUTE_TYPES[name] === 'DATE')
)
