import Fastify, { type FastifyError } from 'fastify'
import type { AddressInfo, Socket } from 'node:net'
import type { SandboxContext } from './context'
import { ApiError } from './errors'
import { FaultInjector } from './faults'
import { RateLimiter, type RateLimitSettings } from './rate-limit'
import { adminRoutes } from './routes/admin'
import { driftApiRoutes } from './routes/drift-api'
import { segmentSettingsRoutes } from './routes/segment-settings'
import { widgetRoutes } from './routes/widget'
import { loadStateFile, saveStateFile } from './state-file'
import { clearState, emptyState } from './store'
import type { Sandbox, SandboxOptions } from './types'
import { DEFAULT_VARIANTS, parseVariants, type Variants } from './variants'

// A local stand-in for Drift: the REST API (driftapi.com), the widget script (js.driftt.com/include/...), and
// a page showing what it received. See the README, "Drift sandbox".

export type {
  AttributeType,
  FaultOptions,
  FlatValue,
  IdentityCheck,
  Sandbox,
  SandboxAccount,
  SandboxContact,
  SandboxOptions,
  SandboxState,
  SandboxTimelineEvent,
  WidgetCall
} from './types'
export { signIdentity, verifyIdentity } from './signed-identity'
export { EMBED_ID_PATTERN, widgetScript, type WidgetScriptOptions } from './widget'
export { ROUTE_SCOPES } from './routes/drift-api'
export { SANDBOX_ORG_ID, FIRST_CONTACT_ID, MAX_WIDGET_CALLS } from './store'
export {
  DEFAULT_VARIANTS,
  VARIANT_CHOICES,
  VARIANT_FLAGS,
  parseVariants,
  variantMatrix,
  variantsFromArgs,
  variantsSchema,
  type VariantName,
  type Variants
} from './variants'

export const DEFAULT_SANDBOX_TOKEN = 'sandbox-token'
export const ALL_SCOPES: string[] = [
  'contact_read',
  'contact_write',
  'all_contact_read',
  'account_read',
  'account_write',
  'gdpr_write'
]
export const DEFAULT_RATE_LIMIT: RateLimitSettings = { capacity: 1000, windowMs: 20000 }
export const BODY_LIMIT_BYTES = 2 * 1024 * 1024

const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)

function checkTokens(tokens: Record<string, string[]>): Record<string, string[]> {
  for (const [token, scopes] of Object.entries(tokens)) {
    if (token === '' || !Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string')) {
      throw new Error('tokens must map non-empty token strings to arrays of scope names')
    }
  }
  return { ...tokens }
}

const ERROR_TYPES: Record<number, string> = { 400: 'invalid_request', 404: 'not_found', 413: 'payload_too_large' }

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1'
  if (!isLoopback(host)) {
    throw new Error(`The sandbox listens on loopback only (127.0.0.1, ::1, localhost); refused host "${host}"`)
  }
  const state = emptyState()
  const variants: Variants = { ...DEFAULT_VARIANTS }
  if (options.stateFile) await loadStateFile(options.stateFile, state, (saved) => Object.assign(variants, saved))
  Object.assign(variants, parseVariants(options.variants))

  const requestCounts = new Map<string, number>()
  const hungSockets = new Set<Socket>()
  const sleepers = new Set<() => void>()
  let closing = false
  const faults = new FaultInjector(options.faults)
  const rateLimiter = new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT)

  const ctx: SandboxContext = {
    state,
    tokens: checkTokens(options.tokens ?? { [DEFAULT_SANDBOX_TOKEN]: ALL_SCOPES }),
    faults,
    rateLimiter,
    signedIdentitySecret: options.signedIdentitySecret,
    requireSignedIdentity: options.requireSignedIdentity === true,
    variants,
    widgetReadyDelayMs: options.widgetReadyDelayMs ?? 50,
    url: '',
    stateFile: options.stateFile,
    count: (key) => requestCounts.set(key, (requestCounts.get(key) ?? 0) + 1),
    counts: () => Object.fromEntries(requestCounts),
    hang: (socket) => {
      hungSockets.add(socket)
      socket.once('close', () => hungSockets.delete(socket))
    },
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        if (closing) return resolve()
        const wake = (): void => {
          clearTimeout(timer)
          sleepers.delete(wake)
          resolve()
        }
        const timer = setTimeout(wake, ms)
        sleepers.add(wake)
      }),
    isClosing: () => closing,
    saveState: async () => {
      if (!options.stateFile) throw new Error('no stateFile set')
      await saveStateFile(options.stateFile, state, variants)
      return options.stateFile
    }
  }

  const reset = (): void => {
    clearState(state)
    requestCounts.clear()
    rateLimiter.reset()
    faults.restart()
  }

  const app = Fastify({ logger: options.logger === true, bodyLimit: BODY_LIMIT_BYTES, forceCloseConnections: true })

  // Every error is a JSON body naming the problem; internal errors never echo details.
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) return reply.code(error.statusCode).send(error.body())
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500
    if (status >= 500) request.log.error({ err: error }, 'sandbox internal error')
    const message =
      status === 413
        ? `Request body too large: the limit is ${BODY_LIMIT_BYTES} bytes`
        : status >= 500
          ? 'Internal sandbox error'
          : error.message
    return reply.code(status).send({ error: { type: ERROR_TYPES[status] ?? 'error', message } })
  })
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: { type: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` } })
  )

  await app.register(adminRoutes(ctx, reset))
  await app.register(widgetRoutes(ctx))
  await app.register(driftApiRoutes(ctx))
  await app.register(segmentSettingsRoutes())
  await app.listen({ host, port: options.port ?? 0 })

  const address = app.server.address() as AddressInfo
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  ctx.url = `http://${urlHost}:${address.port}`

  let closed: Promise<void> | undefined
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing = true
      for (const wake of [...sleepers]) wake()
      for (const socket of hungSockets) socket.destroy()
      await app.close()
      if (options.stateFile) await saveStateFile(options.stateFile, state, variants)
    })()
    return closed
  }

  return {
    url: ctx.url,
    state,
    counts: ctx.counts,
    setFaults: (f) => faults.update(f),
    variants: () => ({ ...variants }),
    setVariants: (v) => void Object.assign(variants, parseVariants(v)),
    reset,
    close
  }
}
