import {
  PayloadValidationError,
  type InputField,
  type JSONLikeObject,
  type MultiStatusResponse,
  type RequestClient
} from '@segment/actions-core'
import { normalizeEmail, type CloudSettings } from '../../shared'
import { groupBy, prepareEach, runBatch, userLaneKey, type BatchTask } from './batch'
import { DriftApi } from './drift-api'
import { DriftRetryableError } from './errors'
import { checkedUserId, eventTimeMs } from './event-fields'
import { mapProperties } from './mapping'
import { findContactId, forgetContactId, rememberContactId, withContactId } from './resolve-contact'
import { cloudSettings } from './settings'
import type { TimelineEvent } from './timeline-event'

export type { TimelineEvent } from './timeline-event'

const NO_WAY_TO_FIND = 'No way to find the Drift contact: map external_id (the user id) or email (context.traits.email)'

export interface TimelineOutcome {
  event: string
  /** How the event was addressed: by externalId (no lookup) or by the contact id found by email. */
  by: 'externalId' | 'contactId'
  contactId?: string
  /** True when the contact did not exist and was created from the event's email first. */
  createdContact?: boolean
}

/**
 * Posts one timeline event. With a user id: by externalId, one request once the contact is known. A user id this
 * process has no contact for yet (cold cache) is first confirmed with one lookup (cached), because Drift does not
 * document its answer for an unknown externalId: a 200 that drops the event would otherwise lose it unseen. If
 * Drift has no such contact and the event carries an email, the contact is created (externalId + email) first;
 * without an email, a PayloadValidationError says to identify the user first. Without a user id: the contact is
 * found by email (cached) and the event posted by contact id.
 */
export async function sendTimelineEvent(
  api: DriftApi,
  settings: CloudSettings,
  timelineEvent: TimelineEvent
): Promise<TimelineOutcome> {
  const { userId, email, event } = timelineEvent

  if (userId !== undefined) {
    const key = { externalId: userId }
    let createdContact: boolean | undefined
    if (!(await findContactId(api, settings, key)))
      createdContact = await createContactFor(api, settings, userId, email)
    if ((await api.postTimeline({ externalId: userId }, timelineEvent)) === 'posted') {
      return { event, by: 'externalId', ...(createdContact !== undefined ? { createdContact } : {}) }
    }
    // Drift lost the contact this process knew (deleted or merged): forget it, confirm or create it, post once more.
    forgetContactId(settings, key)
    if (!(await findContactId(api, settings, key))) await createContactFor(api, settings, userId, email)
    if ((await api.postTimeline({ externalId: userId }, timelineEvent)) === 'posted') return { event, by: 'externalId' }
    throw new DriftRetryableError(
      `Drift has the contact for externalId "${userId}" but does not find it yet for the timeline event`,
      503
    )
  }

  if (email === undefined) throw new PayloadValidationError(NO_WAY_TO_FIND)
  const posted = await withContactId(
    api,
    settings,
    { email },
    async (contactId): Promise<TimelineOutcome | undefined> =>
      (await api.postTimeline({ contactId }, timelineEvent)) === 'posted'
        ? { event, by: 'contactId', contactId }
        : undefined
  )
  if (posted) return posted
  throw new PayloadValidationError(
    "Drift has no contact with the event's email: send an identify first (the event has no user id)"
  )
}

/** Creates the contact for a user id from the event's email (true); a duplicate answer means it exists (false). */
async function createContactFor(
  api: DriftApi,
  settings: CloudSettings,
  userId: string,
  email: string | undefined
): Promise<boolean> {
  if (email === undefined) {
    throw new PayloadValidationError(
      `Drift has no contact with externalId "${userId}" yet: send an identify with an email first, ` +
        'or include the email in the event (context.traits.email)'
    )
  }
  const created = await api.createContact({ email, externalId: userId })
  const id = 'contact' in created ? created.contact.id : created.existingContactId
  if (id !== undefined) rememberContactId(settings, { externalId: userId }, id)
  return 'contact' in created
}

/** The payload fields both timeline actions share (the action payload, not an event yet). */
interface TimelinePayload {
  external_id?: string
  email?: string
  timestamp?: string | number
}

/**
 * A timeline action's payload as the event to post: the user id through the identity guard, then the event name
 * (`eventName` is read after the user id, so a payload wrong in both is refused for its user id, field order),
 * the time in milliseconds, and the properties through the mapping core.
 */
export function prepareTimelineEvent(
  payload: TimelinePayload,
  settings: CloudSettings,
  eventName: () => string,
  properties: unknown
): TimelineEvent {
  const warnings: string[] = []
  const userId = checkedUserId(payload.external_id, settings, warnings)
  const event = eventName()
  const email = normalizeEmail(payload.email)
  // Refused here, before any request (a batch reports it as ours, not Drift's).
  if (userId === undefined && email === undefined) throw new PayloadValidationError(NO_WAY_TO_FIND)
  const mapped = mapProperties(properties, settings)
  return {
    userId,
    email,
    event,
    createdAt: eventTimeMs(payload.timestamp),
    attributes: mapped.attributes,
    warnings: warnings.concat(mapped.warnings)
  }
}

/**
 * A batch of timeline events: refused events get their error without a request; the rest run in one lane per
 * user (events of a user in order), at most BATCH_CONCURRENCY users at once.
 */
export async function performTimelineBatch<P extends object>(
  api: DriftApi,
  settings: CloudSettings,
  payloads: P[],
  prepare: (payload: P) => TimelineEvent
): Promise<MultiStatusResponse> {
  const { prepared, refused } = prepareEach(payloads, prepare)
  const lanes: BatchTask[][] = [...groupBy(prepared.map(userLaneKey)).values()].map((indices) =>
    indices.map((index) => {
      const event = prepared[index] as TimelineEvent
      return {
        indices: [index],
        run: async () => {
          const outcome = await sendTimelineEvent(api, settings, event)
          return { ...outcome, warnings: event.warnings } as unknown as JSONLikeObject
        }
      }
    })
  )
  return runBatch(payloads, lanes, refused)
}

/**
 * `perform` and `performBatch` of a timeline action (trackEvent, trackPage): the two differ only in how a payload
 * becomes a timeline event. One request per event once the user's contact is known.
 */
export function timelineHandlers<P extends object>(prepare: (payload: P, settings: CloudSettings) => TimelineEvent) {
  return {
    perform: async (request: RequestClient, { payload, settings }: { payload: P; settings: unknown }) => {
      const config = cloudSettings(settings)
      const event = prepare(payload, config)
      const outcome = await sendTimelineEvent(new DriftApi(request, config), config, event)
      return { ...outcome, warnings: event.warnings }
    },
    performBatch: async (request: RequestClient, { payload, settings }: { payload: P[]; settings: unknown }) => {
      const config = cloudSettings(settings)
      return performTimelineBatch(new DriftApi(request, config), config, payload, (p) => prepare(p, config))
    }
  }
}

/** The user id field of both timeline actions: the event is posted by externalId. */
export const timelineExternalIdField: InputField = {
  label: 'External Id',
  description:
    "Your unique id for the user (Drift's externalId): the event is posted by it; a user id not seen before is first confirmed with one lookup.",
  type: 'string',
  required: false,
  default: { '@path': '$.userId' }
}

/** The email field of both timeline actions; they differ only in where the email is read from by default. */
export function timelineEmailField(defaultValue: InputField['default']): InputField {
  return {
    label: 'Email',
    description:
      'Finds the contact when there is no user id, and creates the contact when Drift does not know the user id yet.',
    type: 'string',
    required: false,
    default: defaultValue
  }
}
