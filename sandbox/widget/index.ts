import { EMBED_ID_PATTERN } from '../../shared/settings-rules'
import { WIDGET_RUNTIME } from './runtime'

// Drift's embed ids are letters, digits and '-' (the rule lives in the mapping core); the id is pasted into a
// script URL, so nothing else is accepted.
export { EMBED_ID_PATTERN }

export interface WidgetScriptOptions {
  embedId: string
  /** Where the script POSTs each recorded call (the sandbox's `/widget/calls`); no reports when unset. */
  reportUrl?: string
  /** Ignore `identify` calls that carry no signed identity (`options.userJwt`). */
  requireSignedIdentity?: boolean
  /** Milliseconds before 'ready' fires (default 50). */
  readyDelayMs?: number
}

/** Embeds a value in a script as a JS literal that cannot close the script tag or break the line. */
function scriptLiteral(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/** The JS source of the stand-in for Drift's widget script (see the README, "The widget script", for its contract). */
export function widgetScript(options: WidgetScriptOptions): string {
  if (!EMBED_ID_PATTERN.test(options.embedId)) {
    throw new Error('embedId must contain only letters, digits and "-"')
  }
  const readyDelayMs = options.readyDelayMs ?? 50
  if (!(Number.isFinite(readyDelayMs) && readyDelayMs >= 0)) throw new Error('readyDelayMs must be a number >= 0')
  if (options.reportUrl !== undefined && !/^https?:\/\//.test(options.reportUrl)) {
    throw new Error('reportUrl must be an http(s) URL')
  }
  const config = {
    embedId: options.embedId,
    reportUrl: options.reportUrl ?? null,
    requireSignedIdentity: options.requireSignedIdentity === true,
    readyDelayMs
  }
  return WIDGET_RUNTIME.replace('__CONFIG__', () => scriptLiteral(config))
}
