import type { Analytics, Context, Plugin } from '@segment/analytics-next'
import type { WidgetCall } from '../sandbox/types'
import { driftTest } from './window'

// The playground page's script (bundled by esbuild, served as /app.js beside /drift-test.js): buttons drive a
// real analytics-next with the Drift plugin against the sandbox's widget; two live tables show what analytics
// dispatched and what the sandbox received. All data is written with textContent: never parsed as HTML.

interface PlaygroundConfig {
  sandboxUrl: string
  embedId: string
  widgetEvents: string[]
}

const POLL_MS = 500
const SHOWN_CALLS = 50

const byId = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const element = document.getElementById(id)
  if (!element) throw new Error(`the page has no #${id}`)
  return element as T
}

const inputValue = (id: string): string => byId<HTMLInputElement | HTMLTextAreaElement>(id).value.trim()

function setStatus(text: string, ok: boolean): void {
  const status = byId('status')
  status.textContent = text
  status.className = ok ? 'good' : 'bad'
}

/** A JSON object typed by a person: a clear error naming the field when it is not one. */
function jsonObject(id: string, label: string): Record<string, unknown> {
  const text = inputValue(id)
  if (text === '') return {}
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new Error(`${label} is not valid JSON: ${(error as Error).message}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${label} must be a JSON object such as {"plan": "pro"}`)
  }
  return value as Record<string, unknown>
}

const show = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''))

function cell(text: string, code = false): HTMLTableCellElement {
  const td = document.createElement('td')
  if (code) {
    const inner = document.createElement('code')
    inner.textContent = text
    td.appendChild(inner)
  } else {
    td.textContent = text
  }
  return td
}

function row(cells: HTMLTableCellElement[], className?: string): HTMLTableRowElement {
  const tr = document.createElement('tr')
  if (className) tr.className = className
  for (const td of cells) tr.appendChild(td)
  return tr
}

// --- what analytics dispatched ---------------------------------------------------------------------------

let dispatched = 0

function logDispatch(ctx: Context): Context {
  const { type, event, userId, groupId, name, properties, traits, integrations } = ctx.event
  dispatched += 1
  const label = type === 'track' ? event : type === 'page' ? name : type === 'group' ? groupId : userId
  const tbody = byId('analytics-log').querySelector('tbody') as HTMLTableSectionElement
  tbody.insertBefore(
    row([
      cell(String(dispatched)),
      cell(type),
      cell(show(label ?? '')),
      cell(show(type === 'identify' || type === 'group' ? traits : properties), true),
      cell(integrations && Object.keys(integrations).length > 0 ? show(integrations) : '', true)
    ]),
    tbody.firstChild
  )
  return ctx
}

/** Sees every event analytics sends to its destinations, as a site's other tools would. */
const dispatchLog: Plugin = {
  name: 'Playground log',
  type: 'destination',
  version: '1.0.0',
  isLoaded: () => true,
  load: () => Promise.resolve(),
  identify: logDispatch,
  track: logDispatch,
  page: logDispatch,
  group: logDispatch
}

// --- what the sandbox received ---------------------------------------------------------------------------

function notes(call: WidgetCall): string {
  const parts: string[] = []
  if (call.beforeLoad) parts.push('queued before the widget loaded')
  if (call.identity) {
    parts.push(
      call.identity.verified
        ? 'signed identity verified'
        : call.identity.hasToken
          ? 'signed identity refused'
          : 'unsigned'
    )
  }
  if (call.ignored) parts.push(`ignored: ${call.ignored}`)
  return parts.join('; ')
}

function renderCalls(calls: WidgetCall[], total: number): void {
  const newestFirst = calls.slice().sort((a, b) => b.at - a.at || b.seq - a.seq)
  const tbody = byId('sandbox-calls').querySelector('tbody') as HTMLTableSectionElement
  const rows = newestFirst
    .slice(0, SHOWN_CALLS)
    .map((call) =>
      row(
        [
          cell(String(call.seq)),
          cell(new Date(call.at).toISOString().slice(11, 23)),
          cell(call.method),
          cell(call.args.map(show).join(', '), true),
          cell(notes(call))
        ],
        call.ignored ? 'bad' : undefined
      )
    )
  tbody.replaceChildren(...rows)
  byId('received-total').textContent = `(${total} widget calls)`
}

async function poll(): Promise<void> {
  try {
    const response = await fetch('/api/state')
    if (!response.ok) throw new Error(`the sandbox answered ${response.status}`)
    const state = (await response.json()) as { widgetCalls: WidgetCall[]; totals: { widgetCalls: number } }
    renderCalls(state.widgetCalls, state.totals.widgetCalls)
  } catch (error) {
    byId('received-total').textContent = `(cannot read the sandbox: ${(error as Error).message})`
  }
  const hook = window.__driftSandbox
  byId('widget-status').textContent = hook ? (hook.ready ? 'ready' : 'loaded, waiting for ready') : 'loading…'
  setTimeout(() => void poll(), POLL_MS)
}

// --- the buttons ------------------------------------------------------------------------------------------

function onSubmit(formId: string, action: (analytics: Analytics) => Promise<string>, analytics: Analytics): void {
  byId(formId).addEventListener('submit', (event) => {
    event.preventDefault()
    Promise.resolve()
      .then(() => action(analytics))
      .then(
        (done) => setStatus(done, true),
        (error: unknown) => setStatus((error as Error).message, false)
      )
  })
}

async function start(): Promise<void> {
  const config = (await (await fetch('/config.json')).json()) as PlaygroundConfig
  const link = byId<HTMLAnchorElement>('sandbox-link')
  link.href = `${config.sandboxUrl}/`
  link.textContent = `sandbox page (${config.sandboxUrl})`

  const { AnalyticsBrowser, driftPlugin } = driftTest()
  const drift = driftPlugin({
    embedId: config.embedId,
    scriptOrigin: config.sandboxUrl,
    widgetEvents: config.widgetEvents
  })
  // cdnSettings given and Segment.io off: nothing leaves this machine.
  const [analytics] = await AnalyticsBrowser.load(
    { writeKey: 'drift-playground', cdnSettings: { integrations: {} } as never, plugins: [drift, dispatchLog] },
    { integrations: { 'Segment.io': false }, initialPageview: false }
  )

  onSubmit(
    'identify-form',
    async (a) => {
      const traits = jsonObject('traits', 'Traits')
      const userId = inputValue('user-id')
      if (userId === '') await a.identify(traits)
      else await a.identify(userId, traits)
      return userId === '' ? 'identify sent (anonymous: traits only)' : `identify sent for ${userId}`
    },
    analytics
  )
  onSubmit(
    'track-form',
    async (a) => {
      const name = inputValue('event-name')
      if (name === '') throw new Error('Event name is required')
      await a.track(name, jsonObject('properties', 'Properties'))
      return `track "${name}" sent`
    },
    analytics
  )
  onSubmit(
    'page-form',
    async (a) => {
      const name = inputValue('page-name')
      const category = inputValue('page-category')
      if (category !== '') await a.page(category, name)
      else if (name !== '') await a.page(name)
      else await a.page()
      return `page sent${name ? ` (${[category, name].filter(Boolean).join(' ')})` : ''}`
    },
    analytics
  )
  onSubmit(
    'group-form',
    async (a) => {
      const groupId = inputValue('group-id')
      if (groupId === '') throw new Error('Group id is required')
      await a.group(groupId, jsonObject('group-traits', 'Group traits'))
      return `group ${groupId} sent`
    },
    analytics
  )
  onSubmit(
    'reset-form',
    async (a) => {
      a.reset()
      return 'reset: analytics forgot the user, Drift was reset'
    },
    analytics
  )
  onSubmit(
    'widget-form',
    async () => {
      const hook = window.__driftSandbox
      if (!hook?.ready) throw new Error('The widget is not ready yet')
      hook.emit('startConversation', { conversationId: Date.now() % 100000, inboxId: 1 })
      return 'startConversation emitted by the widget'
    },
    analytics
  )
  setStatus('Ready: use the buttons, watch the tables.', true)
}

start().catch((error: unknown) => setStatus(`The playground could not start: ${(error as Error).message}`, false))
void poll()
