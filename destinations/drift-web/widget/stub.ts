import { insertWidgetScript } from './load'
import type { DriftWidget, DriftWindow } from './types'

/** The methods Drift's snippet stubs; calls to them queue until the widget script drains the queue. */
export const STUB_METHODS = 'identify config track reset debug show ping page hide off on'.split(' ')
export const SNIPPET_VERSION = '0.3.1'

type Stub = DriftWidget & unknown[] & { methods?: string[]; factory?: (method: string) => () => Stub }

/**
 * Installs Drift's stub as Drift's own snippet does: `window.drift = window.driftt = window.driftt || []`, each
 * stubbed method pushing `[method, ...args]`, and `drift.load(embedId)` inserting the widget script. A stub or
 * widget already on the page is kept as it is. Returns `window.drift`.
 */
export function installStub(win: Window, scriptOrigin: string): DriftWidget {
  const w = win as unknown as DriftWindow
  const drift = (w.drift = w.driftt = w.driftt || ([] as unknown as Stub)) as Stub
  if (drift.init || drift.invoked) return drift
  drift.invoked = true
  drift.methods = STUB_METHODS
  drift.SNIPPET_VERSION = SNIPPET_VERSION
  drift.load = (embedId: string) => void insertWidgetScript(win.document, scriptOrigin, embedId).catch(() => {})
  // Drift's snippet offers the factory too; the widget script may use it.
  drift.factory = (method) =>
    function (...args: unknown[]) {
      drift.push([method, ...args])
      return drift
    }
  for (const method of STUB_METHODS) (drift as unknown as Record<string, unknown>)[method] = drift.factory(method)
  return drift
}
