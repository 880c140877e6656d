/** Drift's widget URLs change every 5 minutes (a cache bucket), as in Drift's snippet. */
const BUCKET_MS = 300000

export function widgetScriptUrl(scriptOrigin: string, embedId: string, now = Date.now()): string {
  return `${scriptOrigin}/include/${Math.ceil(now / BUCKET_MS) * BUCKET_MS}/${embedId}.js`
}

/** A widget script for this embed id already in the page (the site's own snippet, or an earlier load). */
export function findWidgetScript(doc: Document, embedId: string): HTMLScriptElement | null {
  // embedId is validated (letters, digits, '-'), so it is safe inside the selector.
  return doc.querySelector(`script[src*="/include/"][src$="/${embedId}.js"]`)
}

/**
 * Inserts the widget script (async), or reuses one already in the page. Resolves when it has run, rejects
 * when it fails to load. Callers must have validated `scriptOrigin` and `embedId` (settings-rules).
 */
export function insertWidgetScript(doc: Document, scriptOrigin: string, embedId: string): Promise<void> {
  const existing = findWidgetScript(doc, embedId)
  const script = existing ?? doc.createElement('script')
  const loaded = new Promise<void>((resolve, reject) => {
    script.addEventListener('load', () => resolve())
    script.addEventListener('error', () => reject(new Error(`the widget script ${script.src} failed to load`)))
  })
  if (existing) return loaded
  script.type = 'text/javascript'
  script.async = true
  // Drift's snippet sets `crossorigin` as a plain property, which has no effect; we do not set it either, so a
  // widget host without CORS headers still works.
  script.src = widgetScriptUrl(scriptOrigin, embedId)
  const first = doc.getElementsByTagName('script')[0]
  if (first?.parentNode) first.parentNode.insertBefore(script, first)
  else (doc.head ?? doc.documentElement).appendChild(script)
  return loaded
}
