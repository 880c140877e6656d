import type { Analytics, Context, Plugin } from '@segment/analytics-next'
import { consentVerdict, eventConsentStatus, type ConsentWhenMissing } from '../../../shared/privacy/consent'
import { installConsentSite } from './consent-site'

// The consent page with a STAND-IN for the Drift plugin, so the fixture can be proven before driftPlugin gates on
// consent: a few lines that do what the wiring will do (no widget script until an event's consent grants the
// categories; then identify the known user first and load; nothing from before consent replayed). The real test
// entry passes driftPlugin instead.

/** The event createWrapper sends when the visitor changes their choices: a signal, not something to send Drift. */
const CONSENT_CHANGED = 'Segment Consent Preference Updated'

type DriftQueue = unknown[] & Record<string, (...args: unknown[]) => void>
const win = window as unknown as { drift?: DriftQueue; driftt?: DriftQueue }

function standInDrift(settings: Record<string, unknown>): Plugin {
  const embedId = String(settings.embedId)
  const scriptOrigin = String(settings.scriptOrigin)
  const categories = (settings.consentCategories as string[] | undefined) ?? []
  const whenMissing = (settings.consentWhenMissing as ConsentWhenMissing | undefined) ?? 'send'
  let analytics: Analytics | undefined
  let started = false

  /** Drift's snippet, then identify the known user (before load, as a normal load does), then the script. */
  function start(): void {
    started = true
    const queue = [] as unknown as DriftQueue
    for (const method of ['identify', 'track', 'page', 'on'])
      queue[method] = (...args) => void queue.push([method, ...args])
    win.drift = win.driftt = queue
    const userId = analytics?.user().id()
    if (userId) queue.identify(userId, analytics?.user().traits())
    const script = document.createElement('script')
    script.async = true
    script.src = `${scriptOrigin}/include/${Math.ceil(Date.now() / 300000) * 300000}/${embedId}.js`
    document.head.appendChild(script)
  }

  /** Whether this event may reach Drift; the first one that may starts the widget. */
  function consented(ctx: Context): boolean {
    const verdict = consentVerdict(eventConsentStatus(ctx.event, categories), whenMissing)
    if (!verdict.send) {
      ctx.log('info', `Drift: ${verdict.reason}`)
      return false
    }
    if (!started) start()
    return true
  }

  const call = (method: string, ...args: unknown[]) => win.drift?.[method](...args)

  return {
    name: 'Drift stand-in',
    type: 'destination',
    version: '0.0.0',
    isLoaded: () => true,
    load: (_ctx, instance) => {
      analytics = instance
      return Promise.resolve()
    },
    identify: (ctx) => {
      const first = !started
      // The identify that starts the widget is already sent by start() (from analytics' user, just updated).
      if (consented(ctx) && !first) call('identify', ctx.event.userId, ctx.event.traits)
      return ctx
    },
    track: (ctx) => {
      if (consented(ctx) && ctx.event.event !== CONSENT_CHANGED) call('track', ctx.event.event, ctx.event.properties)
      return ctx
    },
    page: (ctx) => {
      if (consented(ctx)) call('page', ctx.event.name)
      return ctx
    }
  }
}

installConsentSite(standInDrift)
