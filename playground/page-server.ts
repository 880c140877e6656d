import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

// A small static server on 127.0.0.1 for pages that load the Drift bundle: the playground and the Chromium
// end-to-end tests. The sandbox serves Drift's side (widget script, reports); this server plays the website.

export interface PageFile {
  contentType: string
  /** The body, or a function building it (e.g. an esbuild bundle) when first requested. */
  body: string | (() => string | Promise<string>)
}

export interface PageServerOptions {
  /** Path -> file, answered to GET only. */
  files: Record<string, PageFile>
  /** Path -> URL fetched with GET and answered as is (e.g. the sandbox's state, which sends no CORS headers). */
  proxies?: Record<string, string>
  /** Headers added to every answer (e.g. a Content-Security-Policy). */
  headers?: Record<string, string>
  port?: number
}

export interface PageServer {
  /** 'http://127.0.0.1:PORT' */
  url: string
  close(): Promise<void>
}

async function answer(options: PageServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const pathname = new URL(request.url ?? '/', 'http://127.0.0.1').pathname
  const file = options.files[pathname]
  const proxy = options.proxies?.[pathname]
  for (const [name, value] of Object.entries(options.headers ?? {})) response.setHeader(name, value)
  response.setHeader('cache-control', 'no-store')
  response.setHeader('x-content-type-options', 'nosniff')
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { 'content-type': 'text/plain; charset=utf-8', allow: 'GET, HEAD' })
    response.end(`Method ${request.method} is not allowed here: only GET`)
    return
  }
  if (file) {
    const body = typeof file.body === 'function' ? await file.body() : file.body
    response.writeHead(200, { 'content-type': file.contentType })
    response.end(body)
    return
  }
  if (proxy) {
    const upstream = await fetch(proxy)
    response.writeHead(upstream.status, {
      'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream'
    })
    response.end(Buffer.from(await upstream.arrayBuffer()))
    return
  }
  response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
  response.end(`Nothing at ${pathname}`)
}

export async function startPageServer(options: PageServerOptions): Promise<PageServer> {
  const server = createServer((request, response) => {
    answer(options, request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
      response.end(`Page server error: ${(error as Error).message}`)
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  let closed: Promise<void> | undefined
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      closed ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      })
      return closed
    }
  }
}
