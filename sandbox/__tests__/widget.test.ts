import { JSDOM } from 'jsdom'
import { SNIPPET_VERSION, STUB_METHODS } from '../../destinations/drift-web/widget/stub'
import { signIdentity, startSandbox, widgetScript, type Sandbox, type WidgetCall } from '..'

// Drift's snippet, as pages paste it (public code), minus the final drift.load call.
const DRIFT_SNIPPET = `
!function() {
  var t = window.driftt = window.drift = window.driftt || [];
  if (!t.init) {
    if (t.invoked) return void (window.console && console.error && console.error("Drift snippet included twice."));
    t.invoked = !0, t.methods = [ "identify", "config", "track", "reset", "debug", "show", "ping", "page", "hide", "off", "on" ],
    t.factory = function(e) {
      return function() {
        var n = Array.prototype.slice.call(arguments);
        return n.unshift(e), t.push(n), t;
      };
    }, t.methods.forEach(function(e) {
      t[e] = t.factory(e);
    }), t.load = function(t) {
      var e = 3e5, n = Math.ceil(new Date() / e) * e, o = document.createElement("script");
      o.type = "text/javascript", o.async = !0, o.crossorigin = "anonymous", o.src = "https://js.driftt.com/include/" + n + "/" + t + ".js";
      var i = document.getElementsByTagName("script")[0];
      i.parentNode.insertBefore(o, i);
    };
  }
}();
drift.SNIPPET_VERSION = '0.3.1';
`

interface Hook {
  calls: Array<{ method: string; args: unknown[]; beforeLoad: boolean; at: number; ignored?: string }>
  identifiedBeforeLoad: boolean
  ready: boolean
  user: { userId: string; attributes: Record<string, unknown> } | null
  visitorAttributes: Record<string, unknown>
  emit(event: string, payload?: unknown): number
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type PageWindow = any

const pages: JSDOM[] = []

/** A page with Drift's stub installed (and Node's fetch, which jsdom 20 lacks). */
function newPage(): { dom: JSDOM; window: PageWindow } {
  const dom = new JSDOM('<!doctype html><html><head><script></script></head><body></body></html>', {
    runScripts: 'outside-only',
    url: 'https://shop.example.com/'
  })
  pages.push(dom)
  const window = dom.window as PageWindow
  window.fetch = fetch
  window.eval(DRIFT_SNIPPET)
  return { dom, window }
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function until<T>(read: () => T | undefined, timeoutMs = 2000): Promise<T> {
  const started = Date.now()
  for (;;) {
    const value = read()
    if (value !== undefined) return value
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting')
    await wait(10)
  }
}

afterEach(() => {
  while (pages.length) pages.pop()?.window.close()
})

describe('widgetScript()', () => {
  it('refuses embed ids that are not letters, digits and -', () => {
    expect(() => widgetScript({ embedId: 'abc"def' })).toThrow(/embedId/)
    expect(() => widgetScript({ embedId: '</script>' })).toThrow(/embedId/)
    expect(widgetScript({ embedId: 'buvw2r8z43np-dev' })).toContain('"buvw2r8z43np-dev"')
  })

  it('drains the stub queue in order through the real methods and replaces the stubs', () => {
    const { window } = newPage()
    const stub = window.drift
    window.drift.config({ locale: 'en' })
    window.drift.identify('user-1', { email: 'ann@example.com', plan: 'pro' })
    window.drift.track('Order Completed', { total: 12 })
    window.drift.page('Pricing')
    expect(stub).toHaveLength(4)

    window.eval(widgetScript({ embedId: 'abc-123', readyDelayMs: 10_000 }))
    const hook: Hook = window.__driftSandbox
    expect(hook.calls.map((c) => [c.method, c.args, c.beforeLoad])).toEqual([
      ['config', [{ locale: 'en' }], true],
      ['identify', ['user-1', { email: 'ann@example.com', plan: 'pro' }], true],
      ['track', ['Order Completed', { total: 12 }], true],
      ['page', ['Pricing'], true]
    ])
    expect(hook.identifiedBeforeLoad).toBe(true)
    expect(hook.user).toEqual({
      userId: 'user-1',
      attributes: { email: 'ann@example.com', plan: 'pro' },
      signed: false
    })

    // The stubs are gone: window.drift and window.driftt are the same real object, marked init.
    expect(window.drift).not.toBe(stub)
    expect(window.driftt).toBe(window.drift)
    expect(window.drift.init).toBeTruthy()
    expect(Array.isArray(window.drift)).toBe(false)
    expect(window.drift.SNIPPET_VERSION).toBe(SNIPPET_VERSION)
    // Every method Drift's snippet stubs, and load.
    for (const name of [...STUB_METHODS, 'load']) {
      expect(typeof window.drift[name]).toBe('function')
    }
    window.drift.track('Later')
    expect(hook.calls[4]).toMatchObject({ method: 'track', args: ['Later'], beforeLoad: false })
    expect(stub).toHaveLength(4)

    // The snippet run again sees the real widget and leaves it alone.
    window.eval(DRIFT_SNIPPET)
    expect(window.drift.__sandbox).toBe(true)
  })

  it('knows when the visitor was not identified before load', () => {
    const { window } = newPage()
    window.drift.track('Viewed')
    window.eval(widgetScript({ embedId: 'abc', readyDelayMs: 10_000 }))
    expect(window.__driftSandbox.identifiedBeforeLoad).toBe(false)
    window.drift.identify('late-user', {})
    expect(window.__driftSandbox.identifiedBeforeLoad).toBe(false)
    expect(window.__driftSandbox.user.userId).toBe('late-user')
  })

  it("fires 'ready' with (api, payload) after the delay; drift.api and setUserAttributes exist only then", async () => {
    const { window } = newPage()
    const seen: Array<{ api: PageWindow; payload: PageWindow; apiAtReady: unknown }> = []
    window.drift.on('ready', (api: PageWindow, payload: PageWindow) =>
      seen.push({ api, payload, apiAtReady: window.drift.api })
    )
    window.eval(widgetScript({ embedId: 'abc', readyDelayMs: 30 }))
    expect(window.drift.api).toBeUndefined()
    expect(window.__driftSandbox.ready).toBe(false)
    await until(() => (seen.length ? true : undefined))
    const [{ api, payload, apiAtReady }] = seen
    expect(window.__driftSandbox.ready).toBe(true)
    expect(apiAtReady).toBe(api)
    expect(typeof api.setUserAttributes).toBe('function')
    expect(typeof api.widget.show).toBe('function')
    expect(payload).toEqual({
      widgetVisible: true,
      isOnline: true,
      chatOpen: false,
      teamAvailability: expect.anything()
    })

    api.setUserAttributes({ plan: 'pro' })
    expect(window.__driftSandbox.visitorAttributes).toEqual({ plan: 'pro' })
    expect(window.__driftSandbox.calls.at(-1)).toMatchObject({
      method: 'api.setUserAttributes',
      args: [{ plan: 'pro' }]
    })

    // A handler registered after ready runs at once, asynchronously.
    let late: unknown[] | undefined
    window.drift.on('ready', (...args: unknown[]) => (late = args))
    expect(late).toBeUndefined()
    await until(() => late)
    expect(late?.[0]).toBe(api)
  })

  it('off() removes a handler; emit() fires widget event handlers', async () => {
    const { window } = newPage()
    const got: unknown[] = []
    const onStart = (payload: unknown) => got.push(['startConversation', payload])
    window.drift.on('startConversation', onStart)
    window.drift.on('emailCapture', (payload: unknown) => got.push(['emailCapture', payload]))
    const readyHandler = jest.fn()
    window.drift.on('ready', readyHandler)
    window.eval(widgetScript({ embedId: 'abc', readyDelayMs: 20 }))
    window.drift.off('ready', readyHandler)

    const hook: Hook = window.__driftSandbox
    expect(hook.emit('startConversation', { conversationId: 7, inboxId: 1 })).toBe(1)
    expect(hook.emit('emailCapture', { data: { email: 'a@example.com', conversationId: 7 } })).toBe(1)
    window.drift.off('startConversation', onStart)
    expect(hook.emit('startConversation', { conversationId: 8 })).toBe(0)
    expect(got).toEqual([
      ['startConversation', { conversationId: 7, inboxId: 1 }],
      ['emailCapture', { data: { email: 'a@example.com', conversationId: 7 } }]
    ])
    await wait(60)
    expect(window.__driftSandbox.ready).toBe(true)
    expect(readyHandler).not.toHaveBeenCalled()
  })

  it('reset() clears the identified visitor', () => {
    const { window } = newPage()
    window.drift.identify('user-1', { email: 'a@example.com' })
    window.eval(widgetScript({ embedId: 'abc', readyDelayMs: 10_000 }))
    expect(window.__driftSandbox.user).not.toBeNull()
    window.drift.reset()
    expect(window.__driftSandbox.user).toBeNull()
    expect(window.__driftSandbox.calls.at(-1).method).toBe('reset')
  })

  it('refuses unsigned identify when signed identity is required', () => {
    const { window } = newPage()
    window.drift.identify('user-1', { email: 'a@example.com' })
    window.eval(widgetScript({ embedId: 'abc', requireSignedIdentity: true, readyDelayMs: 10_000 }))
    const hook: Hook = window.__driftSandbox
    expect(hook.calls[0]).toMatchObject({
      method: 'identify',
      ignored: 'unsigned identify refused: signed identity required'
    })
    expect(hook.user).toBeNull()
    expect(hook.identifiedBeforeLoad).toBe(false)
    window.drift.identify('user-1', { email: 'a@example.com' }, { userJwt: 'a.b.c' })
    expect(hook.calls[1].ignored).toBeUndefined()
    expect(hook.user?.userId).toBe('user-1')
  })

  it('records an argument that is not JSON as "[unserializable]" and keeps the others', () => {
    const { window } = newPage()
    window.eval(widgetScript({ embedId: 'abc', readyDelayMs: 10_000 }))
    const cyclic: Record<string, unknown> = { plan: 'pro' }
    cyclic.self = cyclic
    window.drift.track('Bought', cyclic)
    window.drift.track('Counted', { n: 1 }, BigInt(2))
    const hook: Hook = window.__driftSandbox
    expect(hook.calls.slice(-2).map((call) => call.args)).toEqual([
      ['Bought', '[unserializable]'],
      ['Counted', { n: 1 }, '[unserializable]']
    ])
  })

  it('never throws into the page when fetch is missing or fails', () => {
    const { window } = newPage()
    delete window.fetch
    window.drift.identify('u', {})
    expect(() =>
      window.eval(widgetScript({ embedId: 'abc', reportUrl: 'http://127.0.0.1:1/widget/calls' }))
    ).not.toThrow()
    window.fetch = () => {
      throw new Error('network down')
    }
    expect(() => window.drift.track('x')).not.toThrow()
    expect(window.__driftSandbox.calls).toHaveLength(2)
  })
})

describe('widget script served by the sandbox', () => {
  const secret = 'test-signing-secret'
  let sandbox: Sandbox

  beforeAll(async () => {
    sandbox = await startSandbox({ signedIdentitySecret: secret, widgetReadyDelayMs: 10 })
  })
  afterAll(() => sandbox.close())
  beforeEach(() => sandbox.reset())

  async function scriptFrom(path: string): Promise<string> {
    const response = await fetch(sandbox.url + path)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/javascript/)
    return response.text()
  }

  const callsOf = (method: string): WidgetCall[] => sandbox.state.widgetCalls.filter((c) => c.method === method)

  it('serves /include/<bucket>/<embedId>.js and 404s anything else', async () => {
    await scriptFrom('/include/1700000100000/buvw2r8z43np-dev.js')
    for (const path of [
      '/include/1/bad_id.js',
      '/include/1/abc.txt',
      '/include/x/abc.js',
      '/include/1/%3Cscript%3E.js'
    ]) {
      expect((await fetch(sandbox.url + path)).status).toBe(404)
    }
  })

  it('reports every call to the server, with the session, embed id and order', async () => {
    const { window } = newPage()
    window.drift.identify('user-1', { email: 'ann@example.com' })
    window.drift.track('Signed Up', { plan: 'pro' })
    window.eval(await scriptFrom('/include/1/abc-1.js'))
    window.drift.page('Home')
    const reported = await until(() => (sandbox.state.widgetCalls.length === 3 ? sandbox.state.widgetCalls : undefined))
    const ordered = [...reported].sort((a, b) => a.seq - b.seq)
    expect(ordered.map((c) => [c.method, c.args, c.beforeLoad])).toEqual([
      ['identify', ['user-1', { email: 'ann@example.com' }], true],
      ['track', ['Signed Up', { plan: 'pro' }], true],
      ['page', ['Home'], false]
    ])
    expect(new Set(reported.map((c) => c.sessionId)).size).toBe(1)
    expect(reported[0].sessionId).toBe(window.__driftSandbox.sessionId)
    expect(reported.every((c) => c.embedId === 'abc-1')).toBe(true)
    expect(ordered[0].identity).toEqual({ hasToken: false, verified: false, reason: 'unsigned identify' })
  })

  it('verifies HS256 signed identities (sub = user id) and never stores the token', async () => {
    const { window } = newPage()
    const good = signIdentity('user-1', secret)
    window.drift.identify('user-1', { email: 'a@example.com' }, { userJwt: good })
    window.drift.identify('user-1', {}, { userJwt: signIdentity('user-1', 'wrong-secret') })
    window.drift.identify('user-2', {}, { userJwt: good })
    window.drift.identify('user-1', {}, { userJwt: signIdentity('user-1', secret, { expiresInSeconds: -10 }) })
    window.drift.identify('user-1', {}, { signedIdentity: 'not-a-jwt' })
    window.eval(await scriptFrom('/include/1/abc.js'))
    const identifies = await until(() => (callsOf('identify').length === 5 ? callsOf('identify') : undefined))
    const checks = [...identifies].sort((a, b) => a.seq - b.seq).map((c) => c.identity)
    expect(checks).toEqual([
      { hasToken: true, verified: true, reason: expect.any(String) },
      { hasToken: true, verified: false, reason: 'bad signature' },
      { hasToken: true, verified: false, reason: 'sub does not equal the identified user id' },
      { hasToken: true, verified: false, reason: 'the token has expired' },
      { hasToken: true, verified: false, reason: expect.stringContaining('not a JWT') }
    ])
    const stored = JSON.stringify(sandbox.state.widgetCalls)
    expect(stored).not.toContain(good)
    expect(stored).not.toContain('not-a-jwt')
    expect(stored).not.toContain('userJwt')
    const page = JSON.stringify(await (await fetch(`${sandbox.url}/_sandbox/state`)).json())
    expect(page).not.toContain(good)
  })

  it('loads through the snippet in a page that runs scripts, and drains what was queued', async () => {
    const dom = new JSDOM('<!doctype html><html><head><script></script></head><body></body></html>', {
      runScripts: 'dangerously',
      resources: 'usable',
      url: 'https://shop.example.com/'
    })
    pages.push(dom)
    const window = dom.window as PageWindow
    window.fetch = fetch
    // Point the snippet's script URL at the sandbox instead of js.driftt.com.
    window.eval(DRIFT_SNIPPET.replace('https://js.driftt.com', sandbox.url))
    window.drift.identify('user-9', { email: 'nine@example.com' })
    window.drift.on('ready', (_api: unknown, payload: unknown) => (window.readyPayload = payload))
    window.drift.load('embed-9')
    await until(() => window.readyPayload)
    expect(window.__driftSandbox.identifiedBeforeLoad).toBe(true)
    expect(window.__driftSandbox.calls.map((c: { method: string }) => c.method)).toEqual(['identify', 'on'])
    await until(() => (callsOf('identify').length ? true : undefined))
    expect(callsOf('identify')[0]).toMatchObject({ embedId: 'embed-9', beforeLoad: true })
  })

  it('with requireSignedIdentity, the served script refuses unsigned identify and the server says why', async () => {
    const strict = await startSandbox({ signedIdentitySecret: secret, requireSignedIdentity: true })
    try {
      const { window } = newPage()
      window.drift.identify('user-1', { email: 'a@example.com' })
      window.eval(await (await fetch(`${strict.url}/include/1/abc.js`)).text())
      expect(window.__driftSandbox.user).toBeNull()
      const [call] = await until(() => (strict.state.widgetCalls.length ? strict.state.widgetCalls : undefined))
      expect(call.ignored).toBe('unsigned identify refused: signed identity required')
      expect(call.identity).toMatchObject({ hasToken: false, verified: false })
    } finally {
      await strict.close()
    }
  })

  it('accepts CORS preflight and refuses malformed reports naming the field', async () => {
    const preflight = await fetch(`${sandbox.url}/widget/calls`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'POST' }
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*')
    expect(preflight.headers.get('access-control-allow-headers')).toContain('content-type')
    const bad = await fetch(`${sandbox.url}/widget/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId: 's', embedId: 'a b', method: 'track', args: [] })
    })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('embedId')
    expect(sandbox.state.widgetCalls).toHaveLength(0)
  })
})
