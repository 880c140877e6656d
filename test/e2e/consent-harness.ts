import path from 'node:path'
import { browserBundle } from '../../playground/bundle'
import { startPageServer, type PageServer } from '../../playground/page-server'
import type { OpenPage } from './harness'
import type { Categories, ConsentLoadOptions, SeenEvent } from './page/consent-site'

// Helpers for the consent scenarios in Chromium: a site whose page runs analytics-next under the real
// @segment/analytics-consent-tools wrapper with a stand-in CMP (test/e2e/page/consent-site.ts), and the plugin
// factory its entry passes in. A test (consent.test.ts): startConsentSite(entry) → openPage → loadWithConsent
// (denied) → requestsTo(sandbox) is empty → setConsent (granted) → the widget loads.

/** The entry with the real driftPlugin (consent-drift.ts). */
export const CONSENT_DRIFT_ENTRY = path.join(__dirname, 'page', 'consent-drift.ts')

const html = (script: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Drift consent test site</title>
<script src="${script}"></script>
</head>
<body><h1>Drift consent test site</h1></body>
</html>
`

/** The website: `/` loads `entry` (a module that calls installConsentSite with its plugin factory), bundled. */
export function startConsentSite(entry: string): Promise<PageServer> {
  return startPageServer({
    files: {
      '/': { contentType: 'text/html; charset=utf-8', body: html('/consent-site.js') },
      '/consent-site.js': { contentType: 'text/javascript; charset=utf-8', body: () => browserBundle(entry) },
      '/favicon.ico': { contentType: 'image/x-icon', body: '' }
    }
  })
}

/** Loads analytics under the consent wrapper with the CMP in the given state; resolves once analytics is ready. */
export function loadWithConsent(open: OpenPage, options: ConsentLoadOptions): Promise<void> {
  return open.page.evaluate((o) => window.consentSite.load(o), options)
}

/** The visitor changes their choices in the banner (the wrapper then sends "Segment Consent Preference Updated"). */
export function setConsent(open: OpenPage, categories: Categories): Promise<void> {
  return open.page.evaluate((c) => window.consentSite.setConsent(c), categories)
}

/** What the destinations received so far, with the consent stamped on each event. */
export function seenEvents(open: OpenPage): Promise<SeenEvent[]> {
  return open.page.evaluate(() => window.consentSite.seen)
}

/**
 * The widget scripts in the page's DOM and its requests to `origin` (the sandbox serving the widget), after
 * `settleMs` for a request to show: both must be empty while consent is denied.
 */
export async function widgetTraces(open: OpenPage, origin: string, settleMs = 300) {
  await new Promise((resolve) => setTimeout(resolve, settleMs))
  return {
    scripts: await open.page.evaluate(() => window.consentSite.widgetScripts()),
    requests: requestsTo(open.requests, origin)
  }
}

/** The page's requests to one origin (e.g. the sandbox serving the widget): must stay empty before consent. */
export function requestsTo(requests: string[], origin: string): string[] {
  const wanted = new URL(origin).origin
  return requests.filter((url) => URL.canParse(url) && new URL(url).origin === wanted)
}
