import { displayName, inferAttributeType } from './attributes'
import { badRequest, conflict, notFound } from './errors'
import type { AttributeType, FlatValue, SandboxContact, SandboxState, SandboxTimelineEvent, WidgetCall } from './types'
import {
  requireBody,
  requireExternalId,
  requireFlatAttributes,
  requireInteger,
  requireNonEmptyString
} from './validate'
import { isNullish } from '../shared/absent'

// The sandbox's rules for contacts, timeline events and widget calls (accounts: accounts.ts), on plain in-memory
// state. Lookups scan the arrays: the sandbox holds thousands of records at most, and scanning keeps the state free
// of stale indexes.

export const SANDBOX_ORG_ID = 1000
export const FIRST_CONTACT_ID = 1000000001
export const MAX_WIDGET_CALLS = 5000

export function emptyState(): SandboxState {
  return {
    contacts: [],
    accounts: [],
    timeline: [],
    widgetCalls: [],
    attributeTypes: {},
    nextContactId: FIRST_CONTACT_ID,
    nextEventId: 1
  }
}

/** Empties the state in place, so references other code holds stay live. */
export function clearState(state: SandboxState): void {
  const fresh = emptyState()
  state.contacts.length = 0
  state.accounts.length = 0
  state.timeline.length = 0
  state.widgetCalls.length = 0
  for (const key of Object.keys(state.attributeTypes)) delete state.attributeTypes[key]
  state.nextContactId = fresh.nextContactId
  state.nextEventId = fresh.nextEventId
}

/** Email is not unique in Drift; the sandbox compares addresses case-insensitively (a guess). */
const sameEmail = (a: FlatValue | undefined, b: string): boolean =>
  typeof a === 'string' && a.trim().toLowerCase() === b.trim().toLowerCase()

const sameExternalId = (a: FlatValue | undefined, b: FlatValue): boolean => !isNullish(a) && String(a) === String(b)

// ---- contacts ----

function rememberTypes(state: SandboxState, attributes: Record<string, FlatValue>): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (state.attributeTypes[name]) continue
    const type = inferAttributeType(name, value)
    if (type) state.attributeTypes[name] = type
  }
}

export function findContact(state: SandboxState, id: number): SandboxContact {
  const contact = state.contacts.find((c) => c.id === id)
  if (!contact) throw notFound(`No contact with id ${id}`)
  return contact
}

export function contactsByExternalId(state: SandboxState, externalId: string): SandboxContact[] {
  return state.contacts.filter((c) => sameExternalId(c.attributes.externalId, externalId))
}

export function contactsByEmail(state: SandboxState, email: string): SandboxContact[] {
  return state.contacts.filter((c) => sameEmail(c.attributes.email, email))
}

/**
 * `POST /contacts`: email is required; with `externalId` the duplicate check is on externalId, without it on
 * email (Drift's documented rule). Duplicates answer 409 (the status is our guess: Drift does not document it).
 */
export function createContact(state: SandboxState, body: unknown, now: number): SandboxContact {
  const attributes = requireFlatAttributes(requireBody(body).attributes, 'attributes')
  const email = requireNonEmptyString(attributes.email, 'attributes.email')
  const externalId = attributes.externalId
  if (!isNullish(externalId)) {
    requireExternalId(externalId, 'attributes.externalId')
    const existing = contactsByExternalId(state, String(externalId))[0]
    if (existing) {
      throw conflict(`A contact with this externalId already exists (id ${existing.id})`, {
        field: 'attributes.externalId',
        existingContactId: existing.id
      })
    }
  } else {
    const existing = contactsByEmail(state, email)[0]
    if (existing) {
      throw conflict(
        `A contact with this email already exists (id ${existing.id}); send externalId to create another`,
        {
          field: 'attributes.email',
          existingContactId: existing.id
        }
      )
    }
  }
  // null means "no value": it is not stored.
  const stored = Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== null))
  const contact: SandboxContact = { id: state.nextContactId++, createdAt: now, attributes: stored }
  state.contacts.push(contact)
  rememberTypes(state, stored)
  return contact
}

/** `PATCH /contacts/:id`: merges the keys sent; a null value clears that attribute (a guess). */
export function patchContact(state: SandboxState, id: number, body: unknown): SandboxContact {
  const attributes = requireFlatAttributes(requireBody(body).attributes, 'attributes')
  const contact = findContact(state, id)
  if ('email' in attributes) requireNonEmptyString(attributes.email, 'attributes.email')
  const externalId = attributes.externalId
  if (!isNullish(externalId)) {
    requireExternalId(externalId, 'attributes.externalId')
    const other = contactsByExternalId(state, String(externalId)).find((c) => c.id !== id)
    if (other) {
      throw conflict(`Another contact already has this externalId (id ${other.id})`, {
        field: 'attributes.externalId',
        existingContactId: other.id
      })
    }
  }
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null) delete contact.attributes[name]
    else contact.attributes[name] = value
  }
  rememberTypes(state, contact.attributes)
  return contact
}

export function deleteContact(state: SandboxState, id: number): void {
  findContact(state, id)
  removeContacts(state, new Set([id]))
}

/** Filters an array in place (the state's arrays are shared by reference). */
function keepOnly<T>(items: T[], keep: (item: T) => boolean): void {
  let next = 0
  for (const item of items) if (keep(item)) items[next++] = item
  items.length = next
}

function removeContacts(state: SandboxState, ids: Set<number>): void {
  keepOnly(state.contacts, (c) => !ids.has(c.id))
  keepOnly(state.timeline, (e) => !ids.has(e.contactId))
}

/** `POST /gdpr/delete`: deletes every contact with that email, and their timelines. */
export function gdprDelete(state: SandboxState, body: unknown): number {
  const email = requireNonEmptyString(requireBody(body).email, 'email')
  const ids = new Set(contactsByEmail(state, email).map((c) => c.id))
  removeContacts(state, ids)
  return ids.size
}

export function attributeProperties(
  state: SandboxState
): Array<{ name: string; displayName: string; type: AttributeType }> {
  return Object.entries(state.attributeTypes).map(([name, type]) => ({ name, displayName: displayName(name), type }))
}

// ---- timeline ----

/**
 * `POST /contacts/timeline` by `contactId` or `externalId` (exactly one: with both, one would be ignored and the
 * event could land on another contact). Attribute values are stringified as Drift does; nested values are refused
 * like everywhere else (a guess: Drift documents flat properties only).
 */
export function addTimelineEvent(state: SandboxState, body: unknown, now: number): SandboxTimelineEvent {
  const input = requireBody(body)
  const event = requireNonEmptyString(input.event, 'event')
  if (input.contactId !== undefined && input.externalId !== undefined) {
    throw badRequest('give contactId or externalId, not both', { field: 'externalId' })
  }
  let contact: SandboxContact
  if (input.contactId !== undefined) {
    contact = findContact(state, requireInteger(input.contactId, 'contactId'))
  } else if (input.externalId !== undefined) {
    const externalId = String(requireExternalId(input.externalId, 'externalId'))
    const found = contactsByExternalId(state, externalId)[0]
    if (!found) throw notFound(`No contact with externalId ${JSON.stringify(externalId)}`)
    contact = found
  } else {
    throw badRequest('contactId or externalId is required', { field: 'contactId' })
  }
  let createdAt = now
  if (!isNullish(input.createdAt)) {
    createdAt = requireInteger(input.createdAt, 'createdAt')
    if (createdAt < 0) throw badRequest('createdAt must be epoch milliseconds', { field: 'createdAt' })
  }
  const attributes: Record<string, string> = {}
  if (!isNullish(input.attributes)) {
    for (const [name, value] of Object.entries(requireFlatAttributes(input.attributes, 'attributes'))) {
      if (value !== null) attributes[name] = String(value)
    }
  }
  const stored: SandboxTimelineEvent = {
    id: state.nextEventId++,
    contactId: contact.id,
    event,
    createdAt,
    attributes,
    receivedAt: now
  }
  state.timeline.push(stored)
  return stored
}

// ---- widget calls ----

export function addWidgetCall(state: SandboxState, call: WidgetCall): void {
  state.widgetCalls.push(call)
  if (state.widgetCalls.length > MAX_WIDGET_CALLS)
    state.widgetCalls.splice(0, state.widgetCalls.length - MAX_WIDGET_CALLS)
}
