import type { Analytics, Plugin } from '@segment/analytics-next'
import type { Subscription } from '@segment/browser-destination-runtime/types'
import nock from 'nock'
import driftWebDestination, { driftBrowserDestination } from '../../destination'
import { driftPlugin, type DriftPlugin } from '../../plugin'
import type { DriftClient } from '../../widget/client'
import { loadAnalytics } from './analytics'
import { resetPage, sandbox, sleep, waitFor } from './page'
import { startWidgetServer, type WidgetServer } from './widget-server'

/**
 * Hooks for a test file that drives the widget stand-in: the widget server on 127.0.0.1 (embed ids `embed-1`,
 * `signed-only` and `never-ready`), no other network, a fresh page per test, console.warn/error captured.
 */
export interface WidgetPage {
  server: () => WidgetServer
  /** The console.warn and console.error spies of the current test. */
  warn: () => jest.SpyInstance
  error: () => jest.SpyInstance
}

export function useWidgetPage(): WidgetPage {
  let server: WidgetServer
  let warn: jest.SpyInstance
  let error: jest.SpyInstance
  const leaks: string[] = []
  const onNoMatch = (req: { hostname?: string; path?: string }) => {
    if (req.hostname !== '127.0.0.1') leaks.push(`${req.hostname}${req.path}`)
  }
  beforeAll(async () => {
    nock.disableNetConnect()
    nock.enableNetConnect('127.0.0.1')
    nock.emitter.on('no match', onNoMatch)
    server = await startWidgetServer()
    server.widgets.set('embed-1', { readyDelayMs: 30 })
    server.widgets.set('signed-only', { readyDelayMs: 30, requireSignedIdentity: true })
    server.widgets.set('never-ready', { readyDelayMs: 60000 })
  })
  afterAll(async () => {
    await server.close()
    nock.emitter.removeListener('no match', onNoMatch)
    nock.enableNetConnect()
    expect(leaks).toEqual([])
  })
  beforeEach(() => {
    resetPage()
    warn = jest.spyOn(console, 'warn').mockImplementation(() => {})
    error = jest.spyOn(console, 'error').mockImplementation(() => {})
  })
  afterEach(() => jest.restoreAllMocks())
  return { server: () => server, warn: () => warn, error: () => error }
}

/** Subscriptions as a catalog would create them from the presets. */
export function presetSubscriptions(): Subscription[] {
  return (driftBrowserDestination.presets ?? []).map((preset) => ({
    name: preset.name ?? preset.partnerAction,
    partnerAction: preset.partnerAction,
    enabled: true,
    subscribe: 'subscribe' in preset ? preset.subscribe : '',
    mapping: preset.mapping ?? {}
  }))
}

export interface LoadedDestination {
  analytics: Analytics
  plugins: Plugin[]
  client: DriftClient
}

/** The browserDestination factory, as a page or catalog loads it, inside a real analytics-next. */
export async function loadDestination(
  settings: Record<string, unknown>,
  subscriptions: Subscription[] = presetSubscriptions()
): Promise<LoadedDestination> {
  const initialize = jest.spyOn(driftBrowserDestination, 'initialize')
  const plugins = (await driftWebDestination({ ...settings, subscriptions } as never)) as Plugin[]
  const [analytics] = await loadAnalytics(plugins)
  const client = (await initialize.mock.results[0].value) as DriftClient
  return { analytics, plugins, client }
}

/** Waits for the sandbox widget's `ready` and for the controller to have sent every call. */
export async function ready(client: DriftClient | undefined): Promise<void> {
  await waitFor(() => sandbox()?.ready === true, 'the widget to be ready')
  await client?.idle()
  await sleep(20)
}

/** driftPlugin with the widget page's server as its script origin, in a real analytics-next, its widget ready. */
export async function loadReadyPlugin(page: WidgetPage): Promise<{ plugin: DriftPlugin; analytics: Analytics }> {
  const plugin = driftPlugin({ embedId: 'embed-1', scriptOrigin: page.server().origin })
  const [analytics] = await loadAnalytics([plugin])
  await waitFor(() => sandbox()?.ready === true, 'the widget to be ready')
  return { plugin, analytics }
}
