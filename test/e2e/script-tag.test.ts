/* istanbul ignore file -- the callbacks given to page.evaluate run in Chromium and must stay uninstrumented */
import { build } from 'esbuild'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { startPageServer, type PageServer } from '../../playground/page-server'
import { startSandbox, type Sandbox } from '../../sandbox'
import { BROWSER_BUILD } from '../../scripts/build'
import { describeWithChromium, launchChromium } from './browser'
import { callsTo, offMachineRequests, openPage, sandboxCalls, type OpenPage } from './harness'

// The script-tag file (dist/browser/drift-web.min.js, built here with the build's own options) on a page that
// uses Segment's snippet: analytics-next's standalone build served locally, Segment's settings served by the
// sandbox (`analytics._cdn`), Drift's widget script by the sandbox. Nothing may leave 127.0.0.1.

jest.setTimeout(30000)

const STANDALONE = join(__dirname, '../../node_modules/@segment/analytics-next/dist/umd/standalone.js')

function sitePage(sandboxUrl: string): string {
  const origin = JSON.stringify(sandboxUrl)
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Script-tag site</title>
<script>
  // Segment's snippet, cut to what this page calls: calls queue until analytics.js loads.
  !function () {
    var a = (window.analytics = window.analytics || [])
    a._writeKey = 'e2e-write-key'
    a._cdn = ${origin}
    a.methods = ['identify', 'track', 'page', 'register', 'ready', 'reset']
    a.factory = function (m) {
      return function () {
        var args = Array.prototype.slice.call(arguments)
        args.unshift(m)
        a.push(args)
        return a
      }
    }
    for (var i = 0; i < a.methods.length; i++) a[a.methods[i]] = a.factory(a.methods[i])
  }()
</script>
<script src="/drift-web.min.js"></script>
<script>
  analytics.register(DriftWeb.driftPlugin({ embedId: 'scripttag-e2e', scriptOrigin: ${origin} }))
  analytics.identify('user-7', { email: 'ann@example.com', plan: 'pro' })
  analytics.track('Order Completed', { total: 30, shipping: { method: 'express' } })
  analytics.page('Pricing')
</script>
<script src="/analytics.min.js"></script>
</head>
<body><h1>Script-tag site</h1></body>
</html>
`
}

describeWithChromium('Drift.scriptTag: dist/browser/drift-web.min.js with the Segment snippet in Chromium', () => {
  let browser: Browser
  let sandbox: Sandbox
  let site: PageServer
  let open: OpenPage | undefined

  beforeAll(async () => {
    browser = await launchChromium()
    sandbox = await startSandbox({ widgetReadyDelayMs: 50 })
    const script = (await build({ ...BROWSER_BUILD, write: false, outfile: 'drift-web.min.js' })).outputFiles[0].text
    const js = 'text/javascript; charset=utf-8'
    site = await startPageServer({
      files: {
        '/': { contentType: 'text/html; charset=utf-8', body: sitePage(sandbox.url) },
        '/drift-web.min.js': { contentType: js, body: script },
        '/analytics.min.js': { contentType: js, body: readFileSync(STANDALONE, 'utf8') },
        '/favicon.ico': { contentType: 'image/x-icon', body: '' }
      }
    })
  })

  afterAll(async () => {
    await open?.close()
    await Promise.all([browser?.close(), site?.close(), sandbox?.close()])
  })

  it('should register the plugin from the global DriftWeb, and the widget should receive identify, track and page', async () => {
    open = await openPage(browser, site.url)
    const calls = await sandboxCalls(
      open.page,
      sandbox,
      (received) => ['identify', 'track', 'page'].every((method) => callsTo(received, method).length > 0),
      10000
    )
    expect(callsTo(calls, 'identify')[0].args.slice(0, 2)).toEqual([
      'user-7',
      { email: 'ann@example.com', plan: 'pro' }
    ])
    expect(callsTo(calls, 'track')[0].args.slice(0, 2)).toEqual([
      'Order Completed',
      { total: 30, shipping_method: 'express' }
    ])
    expect(callsTo(calls, 'page')[0].args[0]).toBe('Pricing')
    expect(await open.page.evaluate(() => typeof (window as unknown as { DriftWeb: unknown }).DriftWeb)).toBe('object')
    expect(offMachineRequests(open.requests)).toEqual([])
    expect(open.pageErrors).toEqual([])
  })
})
