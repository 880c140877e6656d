import type { FastifyInstance, FastifyReply } from 'fastify'
import type { SandboxContext } from '../context'
import { badRequest, notFound } from '../errors'
import { verifyIdentity } from '../signed-identity'
import { addWidgetCall } from '../store'
import type { IdentityCheck, WidgetCall } from '../types'
import { isRecord } from '../../shared/record'
import { EMBED_ID_PATTERN, widgetScript } from '../widget'

// The widget script at Drift's path and the route its reports arrive at. No faults or rate limit here.

/** Option keys a signed identity may arrive under (Drift's docs say userJwt; Segment's classic code signedIdentity). */
const TOKEN_KEYS = ['userJwt', 'signedIdentity', 'user_jwt', 'jwt']

function allowCors(reply: FastifyReply): FastifyReply {
  return reply
    .header('access-control-allow-origin', '*')
    .header('access-control-allow-methods', 'POST, OPTIONS')
    .header('access-control-allow-headers', 'content-type')
    .header('access-control-max-age', '600')
}

function tokenIn(options: unknown): string | undefined {
  if (!isRecord(options)) return undefined
  for (const key of TOKEN_KEYS) if (typeof options[key] === 'string' && options[key] !== '') return options[key]
  return undefined
}

/** Removes signed-identity tokens wherever they appear: they are never stored or shown. */
function withoutTokens(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTokens)
  if (!isRecord(value)) return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !TOKEN_KEYS.includes(key))
      .map(([key, item]) => [key, withoutTokens(item)])
  )
}

function checkIdentity(ctx: SandboxContext, args: unknown[]): IdentityCheck {
  const token = tokenIn(args[2])
  if (token === undefined) {
    const reason = ctx.requireSignedIdentity
      ? 'no signed identity sent, and the sandbox requires one'
      : 'unsigned identify'
    return { hasToken: false, verified: false, reason }
  }
  return { hasToken: true, ...verifyIdentity(token, args[0], ctx.signedIdentitySecret) }
}

function parseWidgetCall(ctx: SandboxContext, raw: unknown): WidgetCall {
  let body = raw
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body)
    } catch {
      throw badRequest('The body must be JSON')
    }
  }
  if (!isRecord(body)) throw badRequest('The body must be a JSON object')
  const { sessionId, embedId, seq, method, args, beforeLoad, at, ignored } = body
  if (typeof sessionId !== 'string' || sessionId === '' || sessionId.length > 100) {
    throw badRequest('sessionId must be a string of 1 to 100 characters', { field: 'sessionId' })
  }
  if (typeof embedId !== 'string' || !EMBED_ID_PATTERN.test(embedId)) {
    throw badRequest('embedId must contain only letters, digits and "-"', { field: 'embedId' })
  }
  if (typeof method !== 'string' || method === '' || method.length > 64) {
    throw badRequest('method must be a string of 1 to 64 characters', { field: 'method' })
  }
  if (!Array.isArray(args)) throw badRequest('args must be an array', { field: 'args' })
  if (seq !== undefined && !(typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0)) {
    throw badRequest('seq must be an integer >= 0', { field: 'seq' })
  }
  if (beforeLoad !== undefined && typeof beforeLoad !== 'boolean') {
    throw badRequest('beforeLoad must be a boolean', { field: 'beforeLoad' })
  }
  if (at !== undefined && !(typeof at === 'number' && Number.isFinite(at))) {
    throw badRequest('at must be epoch milliseconds', { field: 'at' })
  }
  if (ignored !== undefined && typeof ignored !== 'string') {
    throw badRequest('ignored must be a string', { field: 'ignored' })
  }
  const now = Date.now()
  const call: WidgetCall = {
    receivedAt: now,
    sessionId,
    embedId,
    seq: (seq as number | undefined) ?? 0,
    method,
    args: withoutTokens(args) as unknown[],
    beforeLoad: beforeLoad === true,
    at: (at as number | undefined) ?? now
  }
  if (ignored) call.ignored = ignored.slice(0, 200)
  if (method === 'identify') call.identity = checkIdentity(ctx, args)
  return call
}

export function widgetRoutes(ctx: SandboxContext) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get<{ Params: { bucket: string; file: string } }>('/include/:bucket/:file', async (request, reply) => {
      const match = /^([A-Za-z0-9-]+)\.js$/.exec(request.params.file)
      if (!/^[0-9]+$/.test(request.params.bucket) || !match) {
        throw notFound('No widget script here: expected /include/<bucket digits>/<embedId>.js')
      }
      const source = widgetScript({
        embedId: match[1],
        reportUrl: `${ctx.url}/widget/calls`,
        requireSignedIdentity: ctx.requireSignedIdentity,
        readyDelayMs: ctx.widgetReadyDelayMs
      })
      return reply
        .type('application/javascript; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('access-control-allow-origin', '*')
        .send(source)
    })

    app.options('/widget/calls', async (_request, reply) => allowCors(reply).code(204).send())

    app.post('/widget/calls', async (request, reply) => {
      allowCors(reply)
      addWidgetCall(ctx.state, parseWidgetCall(ctx, request.body))
      return reply.code(204).send()
    })
  }
}
