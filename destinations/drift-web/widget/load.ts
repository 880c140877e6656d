/** Drift's widget URLs change every 5 minutes (a cache bucket), as in Drift's snippet. */
const BUCKET_MS = 300000

export const widgetScriptUrl = (scriptOrigin: string, embedId: string, now = Date.now()) =>
  `${scriptOrigin}/include/${Math.ceil(now / BUCKET_MS) * BUCKET_MS}/${embedId}.js`

/**
 * Inserts the widget script (async), or reuses one for this embed id already in the page (the site's own
 * snippet, or an earlier load). Resolves when it has run, rejects when it fails to load. Callers must have
 * validated `scriptOrigin` and `embedId` (settings-rules): embedId goes into a selector and a URL.
 */
export function insertWidgetScript(doc: Document, scriptOrigin: string, embedId: string): Promise<void> {
  const existing = doc.querySelector<HTMLScriptElement>(`script[src*="/include/"][src$="/${embedId}.js"]`)
  const script = existing ?? doc.createElement('script')
  const loaded = new Promise<void>((resolve, reject) => {
    script.addEventListener('load', () => resolve())
    script.addEventListener('error', () => reject(new Error(`widget script failed to load: ${script.src}`)))
  })
  if (!existing) {
    script.async = true
    // Drift's snippet sets `crossorigin` as a plain property, which has no effect; we do not set it either, so a
    // widget host without CORS headers still works.
    script.src = widgetScriptUrl(scriptOrigin, embedId)
    ;(doc.head ?? doc.documentElement).appendChild(script)
  }
  return loaded
}
