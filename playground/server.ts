import { startSandbox, type Sandbox } from '../sandbox'
import { browserBundle, driftTestBundle, PLAYGROUND_APP_ENTRY } from './bundle'
import { startPageServer } from './page-server'
import { PLAYGROUND_CSS, PLAYGROUND_HTML, playgroundCsp } from './page'

// The playground: a Drift sandbox, and one page on another 127.0.0.1 port (the "website") whose buttons drive
// analytics-next + driftPlugin against the sandbox's widget script.

export const PLAYGROUND_EMBED_ID = 'playground'
export const PLAYGROUND_WIDGET_EVENTS = ['startConversation']

export interface PlaygroundOptions {
  /** Port of the page (0 = a free port). */
  port?: number
  /** Port of the sandbox (0 = a free port). */
  sandboxPort?: number
}

export interface Playground {
  /** The page: 'http://127.0.0.1:PORT/' */
  url: string
  sandbox: Sandbox
  close(): Promise<void>
}

export async function startPlayground(options: PlaygroundOptions = {}): Promise<Playground> {
  const sandbox = await startSandbox({ port: options.sandboxPort ?? 0 })
  try {
    const js = 'text/javascript; charset=utf-8'
    const config = { sandboxUrl: sandbox.url, embedId: PLAYGROUND_EMBED_ID, widgetEvents: PLAYGROUND_WIDGET_EVENTS }
    const pages = await startPageServer({
      port: options.port ?? 0,
      headers: { 'content-security-policy': playgroundCsp(sandbox.url), 'referrer-policy': 'no-referrer' },
      files: {
        '/': { contentType: 'text/html; charset=utf-8', body: PLAYGROUND_HTML },
        '/playground.css': { contentType: 'text/css; charset=utf-8', body: PLAYGROUND_CSS },
        '/config.json': { contentType: 'application/json', body: JSON.stringify(config) },
        '/drift-test.js': { contentType: js, body: driftTestBundle },
        '/app.js': { contentType: js, body: () => browserBundle(PLAYGROUND_APP_ENTRY) },
        '/favicon.ico': { contentType: 'image/x-icon', body: '' }
      },
      // The sandbox's state route sends no CORS headers: the page reads it through this server.
      proxies: { '/api/state': `${sandbox.url}/_sandbox/state?limit=200` }
    })
    return {
      url: `${pages.url}/`,
      sandbox,
      close: async () => {
        await Promise.all([pages.close(), sandbox.close()])
      }
    }
  } catch (error) {
    await sandbox.close()
    throw error
  }
}
