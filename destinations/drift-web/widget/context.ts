import type { Analytics, Context } from '@segment/analytics-next'
import type { KnownUser } from './client'
import { DRIFT_KEYS, tokenFromIntegrations } from './integrations'
import { isAbsent } from '../../../shared/absent'
import type { Log } from './types'

/*
 * What both device faces read from an analytics-next Context to drive the widget controller. The plugin and the
 * browser destination's actions import this, never each other.
 */

/** A Context's log as the controller's `Log`. */
export function contextLog(ctx: Context): Log {
  return (level, message, extras) => ctx.log(level, message, extras)
}

/** `page` naming like Segment's classic integration: `category name`, the name, then the page title. */
export function pageName(name: unknown, category: unknown, title: unknown): string {
  const parts = [category, name].filter((part) => typeof part === 'string' && part !== '')
  if (parts.length > 0) return parts.join(' ')
  if (typeof title === 'string' && title !== '') return title
  return typeof document === 'undefined' ? '' : document.title
}

export function campaignSource(ctx: Context): unknown {
  return (ctx.event.context as { campaign?: { source?: unknown } } | undefined)?.campaign?.source
}

/**
 * The user an event speaks of, for the controller. `keys` are the names the event's `integrations` may address
 * this destination by (for the signed identity).
 */
export function userOf(
  ctx: Context,
  userId: unknown,
  traits: unknown,
  keys: readonly string[] = DRIFT_KEYS
): KnownUser {
  return {
    userId,
    traits,
    token: tokenFromIntegrations(ctx.event.integrations, keys, contextLog(ctx)),
    campaignSource: campaignSource(ctx)
  }
}

/** The user analytics knows, for the identify a first page makes; undefined when there is no user id. */
export function knownUser(
  ctx: Context,
  userId: unknown,
  analytics: Analytics | undefined,
  keys: readonly string[] = DRIFT_KEYS
): KnownUser | undefined {
  return isAbsent(userId) ? undefined : userOf(ctx, userId, analytics?.user().traits(), keys)
}
