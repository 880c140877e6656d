import type { Context } from '@segment/analytics-next'
import { driftPlugin, type DriftPlugin } from '../../destinations/drift-web/plugin'
import { loadAnalytics } from '../../destinations/drift-web/__tests__/helpers/analytics'
import { useWidgetPage } from '../../destinations/drift-web/__tests__/helpers/destination'
import { sandbox, sleep, waitFor, widgetScripts } from '../../destinations/drift-web/__tests__/helpers/page'
import { PLACEHOLDER_IDS, type DeviceSettingsInput } from '../../shared'

// Secrets and identities in the browser: settings that could inject script never touch the page, signed-identity
// tokens reach drift.identify and nowhere else (console, the event log), and ids several people could share are
// never given to drift.identify (the same list cloud mode refuses: test/reliability/security.test.ts).

jest.setTimeout(30_000)

const page = useWidgetPage()
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLXNpZ25lZCJ9.c2lnbmF0dXJlLXNlY3JldC14eXo'

async function setup(settings: Partial<DeviceSettingsInput> = {}): Promise<{
  plugin: DriftPlugin
  analytics: Awaited<ReturnType<typeof loadAnalytics>>[0]
}> {
  const plugin = driftPlugin({ embedId: 'embed-1', scriptOrigin: page.server().origin, ...settings })
  const [analytics] = await loadAnalytics([plugin])
  return { plugin, analytics }
}

/** Everything written to the console during the test (the helpers' spies hold warn and error). */
function consoleText(): string {
  const spied = [console.warn, console.error, console.log, console.info, console.debug] as unknown as jest.Mock[]
  return spied
    .filter((fn) => jest.isMockFunction(fn))
    .flatMap((fn) => fn.mock.calls.map((args: unknown[]) => args.map(String).join(' ')))
    .join('\n')
}

describe('device settings that could inject script', () => {
  it.each([
    { embedId: 'x"><script>alert(1)</script>' },
    { embedId: 'embed-1.js?x=<img src=x onerror=alert(1)>' },
    { embedId: '../../evil' },
    { embedId: 'javascript:alert(1)' },
    { scriptOrigin: 'javascript:alert(1)//' },
    { scriptOrigin: 'data:text/javascript,alert(1)' },
    { scriptOrigin: '//evil.example' },
    { scriptOrigin: 'http://evil.example' },
    { scriptOrigin: 'https://evil.example/"><script>alert(1)</script>' }
  ])('refuses %j before touching the page, naming the setting', async (bad) => {
    jest.spyOn(console, 'log').mockImplementation(() => {})
    const { plugin, analytics } = await setup(bad)
    await analytics.track('Anything').catch(() => undefined)
    expect(plugin.isLoaded()).toBe(false)
    expect(document.querySelectorAll('script')).toHaveLength(0)
    expect(widgetScripts()).toHaveLength(0)
    expect((window as { drift?: unknown }).drift).toBeUndefined()
    expect(consoleText()).toMatch(new RegExp(Object.keys(bad)[0]))
  })
})

describe('signed-identity tokens', () => {
  async function identifySigned(settings: Partial<DeviceSettingsInput>, options: object): Promise<Context> {
    for (const method of ['log', 'info', 'debug'] as const) jest.spyOn(console, method).mockImplementation(() => {})
    const { plugin, analytics } = await setup(settings)
    const ctx = await analytics.identify('user-signed', { email: 'signed@example.com' }, options)
    await waitFor(() => sandbox()?.ready === true, 'the widget to be ready')
    await plugin.client?.idle()
    await sleep(20)
    return ctx
  }

  const pluginLogs = (ctx: Context): string =>
    JSON.stringify(ctx.logs().filter((log) => String(log.message).includes('[Drift]')))

  it.each([
    ['from integrations.Drift.userJwt', {}, { integrations: { Drift: { userJwt: JWT } } }],
    ['from integrations.Drift.signedIdentity', {}, { integrations: { Drift: { signedIdentity: JWT } } }],
    ['from the resolver', { signedIdentity: (): string => JWT }, {}],
    [
      'from a slow resolver, required',
      { requireSignedIdentity: true, signedIdentity: (): Promise<string> => sleep(20).then(() => JWT) },
      {}
    ]
  ])('reach drift.identify only (%s), never the console or the event log', async (_name, settings, options) => {
    const ctx = await identifySigned(settings, options)
    const identify = sandbox()?.calls.find((c) => c.method === 'identify')
    expect(identify?.args).toEqual(['user-signed', { email: 'signed@example.com' }, { userJwt: JWT }])
    expect(consoleText()).not.toContain(JWT)
    expect(pluginLogs(ctx)).not.toContain(JWT)
  })

  it('are not logged when the widget refuses to wait for them (timeout) either', async () => {
    // The token arrives after the 10 ms timeout but well before the checks below, so a late token that leaked
    // anywhere (console, the event's log, a late drift call) would be there to find.
    let resolved = false
    const ctx = await identifySigned(
      {
        requireSignedIdentity: true,
        signedIdentityTimeoutMs: 10,
        signedIdentity: (): Promise<string> =>
          sleep(30).then(() => {
            resolved = true
            return JWT
          })
      },
      {}
    )
    await waitFor(() => resolved, 'the slow resolver to answer')
    await sleep(40) // anything chained to the late answer has run by now
    expect(resolved).toBe(true)
    expect(sandbox()?.calls.filter((c) => c.method === 'identify')).toEqual([])
    expect(pluginLogs(ctx)).toMatch(/requireSignedIdentity/)
    expect(pluginLogs(ctx)).toMatch(/no answer within 10 ms/)
    expect(consoleText()).not.toContain(JWT)
    expect(pluginLogs(ctx)).not.toContain(JWT)
    expect(JSON.stringify(ctx.logs())).not.toContain(JWT)
    expect(JSON.stringify(sandbox()?.calls)).not.toContain(JWT)
  })
})

describe('ids that collide', () => {
  it('are never given to drift.identify: placeholders in any case, blocked ids, numbers beyond 2^53', async () => {
    const { plugin, analytics } = await setup({ blockedUserIds: ['demo@example.com'] })
    await waitFor(() => sandbox()?.ready === true, 'the widget to be ready')
    const ids: unknown[] = [
      ...PLACEHOLDER_IDS,
      ...PLACEHOLDER_IDS.map((id) => id.toUpperCase()),
      'DEMO@example.com',
      -1,
      2 ** 60 + 1
    ]
    for (const userId of ids) {
      const ctx = await analytics.identify(userId as string, { email: 'shared@example.com' })
      await plugin.client?.idle()
      const reasons = ctx.logs().filter((log) => String(log.message).includes('identify not sent'))
      expect({ userId, logged: reasons.length > 0 }).toEqual({ userId, logged: true })
      analytics.reset()
    }
    await sleep(20)
    expect(sandbox()?.calls.filter((c) => c.method === 'identify')).toEqual([])
  })
})
