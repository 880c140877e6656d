import type { Analytics, Context } from '@segment/analytics-next'
import type { KnownUser } from './client'
import { tokenFromIntegrations } from './integrations'
import { isAbsent } from '../../../shared/absent'
import type { Log } from './types'

/*
 * What both device faces read from an analytics-next Context to drive the widget controller. The plugin and the
 * browser destination's actions import this, never each other.
 */

/** A Context's log as the controller's `Log`. */
export const contextLog = (ctx: Context): Log => ctx.log.bind(ctx)

/** `page` naming like Segment's classic integration: `category name`, the name, then the page title. */
export function pageName(name: unknown, category: unknown, title: unknown): string {
  const parts = [category, name].filter((part) => typeof part === 'string' && part)
  return parts.length
    ? parts.join(' ')
    : typeof title === 'string' && title
      ? title
      : (globalThis.document?.title ?? '')
}

/** The user an event speaks of, for the controller. */
export const userOf = (ctx: Context, userId: unknown, traits: unknown): KnownUser => ({
  userId,
  traits,
  token: tokenFromIntegrations(ctx.event.integrations, contextLog(ctx)),
  campaignSource: ctx.event.context?.campaign?.source
})

/** The user analytics knows, for the identify a first page makes; undefined when there is no user id. */
export const knownUser = (ctx: Context, userId: unknown, analytics: Analytics): KnownUser | undefined =>
  isAbsent(userId) ? undefined : userOf(ctx, userId, analytics.user().traits())
