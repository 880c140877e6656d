import type { DriftWidget, DriftWindow } from './types'

// What Drift's snippet does, in one place: the stub that queues calls, and the widget script.

/** The methods Drift's snippet stubs; calls to them queue until the widget script drains the queue. */
export const STUB_METHODS = 'identify config track reset debug show ping page hide off on'.split(' ')
export const SNIPPET_VERSION = '0.3.1'

/** Drift's widget URLs change every 5 minutes (a cache bucket), as in Drift's snippet. */
const BUCKET_MS = 300000

export const widgetScriptUrl = (scriptOrigin: string, embedId: string, now = Date.now()) =>
  `${scriptOrigin}/include/${Math.ceil(now / BUCKET_MS) * BUCKET_MS}/${embedId}.js`

/**
 * Inserts the widget script (async), or reuses one for this embed id already in the page (the site's own
 * snippet, or an earlier load). `failed` hears if it fails to load. Callers must have validated `scriptOrigin`
 * and `embedId` (settings-rules): embedId goes into a selector and a URL.
 */
export function insertWidgetScript(
  doc: Document,
  scriptOrigin: string,
  embedId: string,
  failed: (reason: string) => void = () => {}
): void {
  let script = doc.querySelector<HTMLScriptElement>(`script[src*="/include/"][src$="/${embedId}.js"]`)
  if (!script) {
    script = doc.createElement('script')
    script.async = true
    // Drift's snippet sets `crossorigin` as a plain property, which has no effect; we do not set it either, so a
    // widget host without CORS headers still works.
    script.src = widgetScriptUrl(scriptOrigin, embedId)
    ;(doc.head ?? doc.documentElement).appendChild(script)
  }
  script.addEventListener('error', () => failed(`widget script failed to load: ${script.src}`))
}

type Stub = DriftWidget & unknown[] & { methods?: string[]; factory?: (method: string) => (...args: unknown[]) => Stub }

/**
 * Installs Drift's stub as Drift's own snippet does: `window.drift = window.driftt = window.driftt || []`, each
 * stubbed method pushing `[method, ...args]`, and `drift.load(embedId)` inserting the widget script. A stub or
 * widget already on the page is kept as it is. Returns `window.drift`.
 */
export function installStub(win: Window, scriptOrigin: string): DriftWidget {
  const w = win as unknown as DriftWindow
  const drift = (w.drift = w.driftt ||= [] as unknown as Stub) as Stub
  if (!drift.init && !drift.invoked) {
    drift.invoked = true
    drift.methods = STUB_METHODS
    drift.SNIPPET_VERSION = SNIPPET_VERSION
    drift.load = (embedId) => insertWidgetScript(win.document, scriptOrigin, embedId)
    // Drift's snippet offers the factory too; the widget script may use it.
    drift.factory =
      (method) =>
      (...args) => (drift.push([method, ...args]), drift)
    for (const method of STUB_METHODS) (drift as unknown as Record<string, unknown>)[method] = drift.factory(method)
  }
  return drift
}
