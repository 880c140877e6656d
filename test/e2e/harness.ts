import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { browserBundle, driftTestBundle } from '../../playground/bundle'
import { startPageServer, type PageServer } from '../../playground/page-server'
import type { Sandbox, WidgetCall } from '../../sandbox'

// Helpers for the Chromium scenarios: the test site (a page on 127.0.0.1 that loads the real analytics-next
// bundle with the Drift plugin), a page per scenario that records its requests and console, and waits on what
// the sandbox received.

const SITE_SCRIPT_ENTRY = path.join(__dirname, 'page', 'site.ts')

const SITE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Drift end-to-end test site</title>
<script src="/drift-test.js"></script>
<script src="/e2e-site.js"></script>
</head>
<body><h1>Drift end-to-end test site</h1></body>
</html>
`

/** The website side: `/` (and any path under `/app/` for SPA routes) is the test page. */
export function startTestSite(): Promise<PageServer> {
  const html = { contentType: 'text/html; charset=utf-8', body: SITE_HTML }
  return startPageServer({
    files: {
      '/': html,
      '/app/settings': html,
      '/drift-test.js': { contentType: 'text/javascript; charset=utf-8', body: driftTestBundle },
      '/e2e-site.js': { contentType: 'text/javascript; charset=utf-8', body: () => browserBundle(SITE_SCRIPT_ENTRY) },
      '/favicon.ico': { contentType: 'image/x-icon', body: '' }
    }
  })
}

export interface ConsoleEntry {
  type: string
  text: string
}

export interface OpenPage {
  page: Page
  context: BrowserContext
  /** Every URL the page requested, in order. */
  requests: string[]
  /** URLs of the documents loaded (page loads, not SPA navigations). */
  documents: string[]
  console: ConsoleEntry[]
  /** Uncaught exceptions in the page. */
  pageErrors: string[]
  close(): Promise<void>
}

/** A fresh context (own cookies and storage) and page, recording requests, console messages and page errors. */
export async function openPage(browser: Browser, url: string): Promise<OpenPage> {
  const context = await browser.newContext()
  const page = await context.newPage()
  const opened: OpenPage = {
    page,
    context,
    requests: [],
    documents: [],
    console: [],
    pageErrors: [],
    close: () => context.close()
  }
  page.on('request', (request) => {
    opened.requests.push(request.url())
    if (request.resourceType() === 'document') opened.documents.push(request.url())
  })
  page.on('console', (message) => opened.console.push({ type: message.type(), text: message.text() }))
  page.on('pageerror', (error) => opened.pageErrors.push(error.message))
  await page.goto(url)
  return opened
}

/** URLs the page requested that were not on 127.0.0.1 (must stay empty: nothing reaches the internet). */
export function offMachineRequests(requests: string[]): string[] {
  return requests.filter((url) => {
    if (url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank') return false
    return new URL(url).hostname !== '127.0.0.1'
  })
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls until `check` returns something other than undefined/false; fails naming what it waited for. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 5000
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(25)
  }
}

/**
 * Every call the page's Drift widget made, as the SANDBOX received them (in the widget's order): waits until
 * the sandbox holds as many reports for this page session as the widget made. `until` waits for more.
 */
export async function sandboxCalls(
  page: Page,
  sandbox: Sandbox,
  until: (calls: WidgetCall[]) => boolean = () => true,
  timeoutMs = 5000
): Promise<WidgetCall[]> {
  return waitFor(
    async () => {
      const hook = await page.evaluate(() =>
        window.__driftSandbox
          ? { sessionId: window.__driftSandbox.sessionId, made: window.__driftSandbox.calls.length }
          : null
      )
      if (!hook) return undefined
      const calls = sandbox.state.widgetCalls
        .filter((call) => call.sessionId === hook.sessionId)
        .sort((a, b) => a.seq - b.seq)
      return calls.length >= hook.made && until(calls) ? calls : undefined
    },
    'the sandbox to receive the widget calls',
    timeoutMs
  )
}

/** Calls to one widget method, e.g. `identify` or `api.setUserAttributes`. */
export const callsTo = (calls: WidgetCall[], method: string): WidgetCall[] => calls.filter((c) => c.method === method)
