// Fields every cloud action reads from an event: the user id (through the identity guard) and the event time.
import { PayloadValidationError } from '@segment/actions-core'
import { guardUserId, toTimestamp, type CloudSettings } from '../../shared'
import { isAbsent, isNullish } from '../../shared/absent'

/**
 * The user id of an event after the mapping core's identity guard (visitors who share an id see each other's
 * chats, so a placeholder or blocked id is refused, never sent). Undefined when the event has none.
 */
export function checkedUserId(value: unknown, settings: CloudSettings, warnings: string[]): string | undefined {
  if (isNullish(value)) return undefined
  const check = guardUserId(value, { blockedIds: settings.blockedUserIds })
  if (!check.ok) throw new PayloadValidationError(`external_id refused: ${check.reason}`)
  if (check.warning) warnings.push(check.warning)
  return check.id
}

/** The event time in milliseconds (Drift's unit, whatever the dateUnit setting), or undefined when absent. */
export function eventTimeMs(value: unknown): number | undefined {
  if (isAbsent(value)) return undefined
  const ms = toTimestamp(value, 'milliseconds')
  if (ms === undefined) {
    throw new PayloadValidationError('timestamp must be an ISO-8601 date-time such as 2024-01-31T10:20:30Z')
  }
  return ms
}
