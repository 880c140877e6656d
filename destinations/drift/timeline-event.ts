import type { DriftAttributes } from '../../shared'

/**
 * A timeline event, one shape from the action payload to Drift's `POST /contacts/timeline`: who it is for (the
 * guarded user id, else the email), what Drift records, and what the mapping warned about (returned, never sent).
 */
export interface TimelineEvent {
  /** The guarded user id (Drift's externalId). */
  userId?: string
  email?: string
  event: string
  /** Epoch milliseconds. */
  createdAt?: number
  attributes: DriftAttributes
  warnings: string[]
}

/** The contact Drift files a timeline event under: exactly one of externalId and contactId. */
export type TimelineTarget = { externalId: string } | { contactId: string }
