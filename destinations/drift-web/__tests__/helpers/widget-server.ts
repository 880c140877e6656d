import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { widgetScript, type WidgetScriptOptions } from '../../../../sandbox/widget'

/**
 * Serves the project's one stand-in for Drift's widget (sandbox/widget) over real HTTP on 127.0.0.1, at Drift's
 * path `/include/<bucket>/<embedId>.js`. Each embed id can get its own script options; unknown embed ids get 404
 * (a widget that never loads).
 */
export interface WidgetServer {
  origin: string
  /** Script options per embed id (`readyDelayMs`, `requireSignedIdentity`). */
  widgets: Map<string, Omit<WidgetScriptOptions, 'embedId'>>
  /** Every path requested, in order. */
  requests: string[]
  /**
   * Holds the answer to requests for `embedId` until the returned function is called, so a test decides when the
   * script loads or fails instead of racing the HTTP round trip against its own calls.
   */
  hold(embedId: string): () => void
  close(): Promise<void>
}

export async function startWidgetServer(): Promise<WidgetServer> {
  const widgets = new Map<string, Omit<WidgetScriptOptions, 'embedId'>>()
  const requests: string[] = []
  const gates = new Map<string, { opened: Promise<void>; open: () => void }>()
  const server = http.createServer(async (req, res) => {
    const url = req.url ?? ''
    requests.push(url)
    const match = /^\/include\/(\d+)\/([A-Za-z0-9-]+)\.js$/.exec(url)
    if (match) await gates.get(match[2])?.opened
    const options = match ? widgets.get(match[2]) : undefined
    if (!match || !options) {
      res.writeHead(404, { 'content-type': 'text/plain', connection: 'close' }).end('not found')
      return
    }
    res
      .writeHead(200, { 'content-type': 'application/javascript', connection: 'close' })
      .end(widgetScript({ embedId: match[2], ...options }))
  })
  server.keepAliveTimeout = 1
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    widgets,
    requests,
    hold: (embedId) => {
      let open = () => {}
      const opened = new Promise<void>((resolve) => (open = resolve))
      gates.set(embedId, { opened, open })
      return () => {
        gates.delete(embedId)
        open()
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const gate of gates.values()) gate.open()
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
