/* istanbul ignore file -- the callbacks given to page.evaluate run in Chromium and must stay uninstrumented */
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { startPlayground, type Playground } from '../../playground/server'
import type { WidgetCall } from '../../sandbox'
import { describeWithChromium, launchChromium } from './browser'
import { offMachineRequests, openPage, waitFor, type OpenPage } from './harness'

// The playground (npm run playground) in Chromium: click every button, check the live view and the sandbox,
// and leave a screenshot for a person to look at.

jest.setTimeout(30000)

export const SCREENSHOT = path.join(__dirname, '..', '..', 'test-output', 'playground.png')

/** Traits a hostile visitor could type: must show as text, never run. */
const HOSTILE_NAME = '<img src=x onerror="window.__xss=1">'

describeWithChromium('playground in Chromium', () => {
  let browser: Browser
  let playground: Playground
  let open: OpenPage

  beforeAll(async () => {
    // One after the other: when one fails, what already started is assigned, so afterAll can close it.
    browser = await launchChromium()
    playground = await startPlayground({ port: 0, sandboxPort: 0 })
  })

  afterAll(async () => {
    await open?.close()
    await Promise.all([browser?.close(), playground?.close()])
  })

  async function statusAfter(button: string): Promise<{ text: string; ok: boolean }> {
    const before = await open.page.locator('#status').textContent()
    await open.page.click(button)
    await waitFor(async () => (await open.page.locator('#status').textContent()) !== before, `${button} to answer`)
    const status = open.page.locator('#status')
    return { text: (await status.textContent()) ?? '', ok: (await status.getAttribute('class')) === 'good' }
  }

  it('drives identify, track, page, group, a widget event and reset, and shows what the sandbox received', async () => {
    open = await openPage(browser, playground.url)
    await open.page.setViewportSize({ width: 1400, height: 1000 })
    await waitFor(async () => (await open.page.locator('#status').textContent())?.startsWith('Ready'), 'the page')
    await waitFor(async () => (await open.page.locator('#widget-status').textContent()) === 'ready', 'the widget')

    await open.page.fill('#traits', JSON.stringify({ email: 'ada@example.com', name: HOSTILE_NAME, plan: 'pro' }))
    expect(await statusAfter('#identify')).toEqual({ text: 'identify sent for user-42', ok: true })
    // A typing mistake gets a clear message naming the field, and nothing is sent.
    await open.page.fill('#properties', '{"total": 42.5')
    const mistake = await statusAfter('#track')
    expect(mistake.ok).toBe(false)
    expect(mistake.text).toMatch(/^Properties is not valid JSON: /)
    await open.page.fill('#properties', '{"order": {"id": "o-1", "total": 42.5}}')
    expect(await statusAfter('#track')).toEqual({ text: 'track "Order Completed" sent', ok: true })
    expect(await statusAfter('#page')).toEqual({ text: 'page sent (Pricing)', ok: true })
    expect(await statusAfter('#group')).toEqual({ text: 'group acme-1 sent', ok: true })
    expect((await statusAfter('#emit-start-conversation')).ok).toBe(true)
    expect((await statusAfter('#reset')).ok).toBe(true)

    // The sandbox's own record (its state route, as any client reads it).
    const state = await waitFor(async () => {
      const body = (await (await fetch(`${playground.sandbox.url}/_sandbox/state`)).json()) as {
        widgetCalls: WidgetCall[]
      }
      return body.widgetCalls.some((call) => call.method === 'reset') ? body : undefined
    }, 'the sandbox to receive the reset')
    const story = state.widgetCalls
      .filter((call) => !['on', 'off'].includes(call.method))
      .sort((a, b) => a.seq - b.seq)
      .map((call) => [call.method, call.args[0]])
    expect(story).toEqual([
      ['identify', 'user-42'],
      ['track', 'Order Completed'],
      ['page', 'Pricing'],
      [
        'api.setUserAttributes',
        { company_id: 'acme-1', company_name: 'Acme Inc', company_plan: 'enterprise', company_employees: 120 }
      ],
      ['reset', undefined]
    ])
    const track = state.widgetCalls.find((call) => call.method === 'track')
    expect(track?.args[1]).toEqual({ order_id: 'o-1', order_total: 42.5 })

    // The live view shows the same calls, newest first, as text.
    const live = open.page.locator('#sandbox-calls tbody')
    await waitFor(async () => (await live.locator('tr').first().textContent())?.includes('reset'), 'the live view')
    const methods = await live.locator('tr td:nth-child(3)').allTextContents()
    for (const method of ['identify', 'track', 'page', 'api.setUserAttributes', 'reset'])
      expect(methods).toContain(method)
    expect(await live.textContent()).toContain(JSON.stringify(HOSTILE_NAME)) // shown as JSON text
    // The widget event came back to analytics marked for everyone but Drift.
    const forwarded = open.page.locator('#analytics-log tbody tr', { hasText: 'Drift Start Conversation' })
    expect(await forwarded.count()).toBe(1)
    expect(await forwarded.locator('td:nth-child(2)').textContent()).toBe('track')
    expect(JSON.parse((await forwarded.locator('td:nth-child(5)').textContent()) ?? '')).toMatchObject({ Drift: false })
    // Escaped everywhere: the hostile trait is text, not an element, and never ran.
    expect(await open.page.locator('main img').count()).toBe(0)
    expect(await open.page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined()

    expect(offMachineRequests(open.requests)).toEqual([])
    expect(open.pageErrors).toEqual([])
    // CSP violations and failed loads would show here.
    expect(open.console.filter((message) => message.type === 'error')).toEqual([])

    await mkdir(path.dirname(SCREENSHOT), { recursive: true })
    await open.page.screenshot({ path: SCREENSHOT, fullPage: true })
  })
})

describe('npm run playground', () => {
  it('should pick a free port when the sandbox port is taken, and say so', async () => {
    const { servePlayground } = await import('../../playground/serve')
    const { startSandbox } = await import('../../sandbox')
    // A sandbox already running holds the port the playground asks for.
    const running = await startSandbox({ port: 0 })
    const taken = Number(new URL(running.url).port)
    const said: string[] = []
    const playground = await servePlayground({ port: 0, sandboxPort: taken }, (t) => said.push(t))
    try {
      const used = Number(new URL(playground.sandbox.url).port)
      expect(used).not.toBe(taken)
      expect(said).toEqual([
        `Port ${taken} is in use (a sandbox already running?): the playground's sandbox uses ${used}.`
      ])
      expect((await fetch(`${playground.sandbox.url}/_sandbox/state`)).status).toBe(200)
    } finally {
      await Promise.all([playground.close(), running.close()])
    }
  })
})
