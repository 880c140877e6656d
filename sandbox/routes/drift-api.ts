import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { SandboxContext } from '../context'
import { ApiError, badRequest } from '../errors'
import {
  SANDBOX_ORG_ID,
  addTimelineEvent,
  attributeProperties,
  contactsByEmail,
  contactsByExternalId,
  createContact,
  deleteContact,
  findContact,
  gdprDelete,
  patchContact
} from '../store'
import { createAccount, findAccount, updateAccount } from '../accounts'
import type { SandboxContact } from '../types'
import { parseIdParam, requireBody } from '../validate'

// Drift's REST API (driftapi.com) as documented: bearer tokens with scopes, then the contact, timeline, account
// and GDPR rules in ../store. Faults and the rate limit apply to these routes only.

/** The scope each route needs, keyed like the request counts. `null`: no bearer token needed. */
export const ROUTE_SCOPES: Record<string, string | null> = {
  'POST /app/token_info': null,
  'POST /contacts': 'contact_write',
  'GET /contacts': 'contact_read',
  'GET /contacts/attributes': 'all_contact_read',
  'GET /contacts/:id': 'contact_read',
  'PATCH /contacts/:id': 'contact_write',
  'DELETE /contacts/:id': 'contact_write',
  'POST /contacts/timeline': 'contact_write',
  'POST /accounts/create': 'account_write',
  'PATCH /accounts/update': 'account_write',
  'GET /accounts/:id': 'account_read',
  'POST /gdpr/delete': 'gdpr_write'
}

/** Private app tokens never expire; the sandbox reports OAuth's two hours (a guess at the field's use). */
const TOKEN_EXPIRES_IN_SECONDS = 7200

const LOOKUP_PARAMETERS = ['email', 'idType', 'id']
const LOOKUP_HINT = 'Look contacts up with ?email=<email> or ?idType=external&id=<externalId>'

const routeKey = (request: FastifyRequest): string => `${request.method} ${request.routeOptions.url ?? request.url}`

function bearerToken(request: FastifyRequest): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')
  return match ? match[1] : undefined
}

function authorize(ctx: SandboxContext, request: FastifyRequest, scope: string): void {
  const token = bearerToken(request)
  const scopes = token === undefined ? undefined : ctx.tokens[token]
  if (!scopes) {
    const message =
      token === undefined
        ? 'Missing bearer token: send Authorization: Bearer <token>'
        : 'Unknown or expired access token'
    throw new ApiError(401, 'authentication_error', message)
  }
  if (!scopes.includes(scope)) {
    throw new ApiError(403, 'insufficient_scope', `This request needs the ${scope} scope`, { requiredScope: scope })
  }
}

/** Runs before every Drift route: count, latency, injected faults, rate limit, then auth. */
async function gate(ctx: SandboxContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
  const key = routeKey(request)
  ctx.count(key)
  const { latencyMs } = ctx.faults.current
  // The retryAfter variant: Drift may send no Retry-After on its 429s.
  const retryAfterSeconds = ctx.variants.retryAfter === 'absent' ? undefined : ctx.faults.current.retryAfterSeconds
  const limitHeader = ctx.variants.retryAfter !== 'absent'
  if (latencyMs > 0) await ctx.sleep(latencyMs)
  const socket = request.raw.socket
  if (ctx.isClosing()) {
    reply.hijack()
    socket.destroy()
    return
  }
  switch (ctx.faults.decide()) {
    case 'drop':
      ctx.count('dropped')
      reply.hijack()
      socket.destroy()
      return
    case 'hang':
      ctx.count('hung')
      reply.hijack()
      ctx.hang(socket)
      return
    case 'rate-limit':
      if (retryAfterSeconds !== undefined) reply.header('retry-after', String(Math.ceil(retryAfterSeconds)))
      return reply.code(429).send({ error: { type: 'rate_limit', message: 'Too many requests (sandbox fault)' } })
    case 'error-500':
      return reply.code(500).send({ error: { type: 'server_error', message: 'Internal error (sandbox fault)' } })
    case 'error-503':
      return reply.code(503).send({ error: { type: 'unavailable', message: 'Service unavailable (sandbox fault)' } })
    case 'none':
      break
  }
  // One bucket per known token; requests without a valid token share one bucket.
  const token = bearerToken(request)
  const limit = ctx.rateLimiter.take(token !== undefined && ctx.tokens[token] ? token : '(unauthenticated)', Date.now())
  if (!limit.allowed) {
    if (limitHeader) reply.header('retry-after', String(limit.retryAfterSeconds))
    return reply.code(429).send({
      error: { type: 'rate_limit', message: `Rate limit exceeded: retry after ${limit.retryAfterSeconds} s` }
    })
  }
  const scope = ROUTE_SCOPES[key]
  if (scope) authorize(ctx, request, scope)
}

/** `GET /contacts` under the lookupShape variant: `data` as a list, or one object (the oldest match; 404 if none). */
function lookupAnswer(ctx: SandboxContext, contacts: SandboxContact[]): { data: SandboxContact[] | SandboxContact } {
  if (ctx.variants.lookupShape === 'list') return { data: contacts }
  if (contacts.length === 0) throw new ApiError(404, 'not_found', 'No contact found')
  return { data: contacts[0] }
}

/** A duplicate contact under the duplicateContact variant: 409 with the id, 409 without it, or a 400 that says so. */
function duplicateContactAnswer(ctx: SandboxContext, error: unknown): unknown {
  if (!(error instanceof ApiError) || error.statusCode !== 409) return error
  switch (ctx.variants.duplicateContact) {
    case '409-with-id':
      return error
    case '409-without-id':
      return new ApiError(409, 'conflict', 'Contact already exists')
    case '400-message':
      return badRequest('Contact already exists')
  }
}

/** The externalId of a timeline body when no contact has it (undefined otherwise, or when the body is malformed). */
function unknownExternalId(ctx: SandboxContext, body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const { externalId, contactId } = body as { externalId?: unknown; contactId?: unknown }
  if (contactId !== undefined || (typeof externalId !== 'string' && typeof externalId !== 'number')) return undefined
  return contactsByExternalId(ctx.state, String(externalId)).length === 0 ? String(externalId) : undefined
}

export function driftApiRoutes(ctx: SandboxContext) {
  return async function routes(api: FastifyInstance): Promise<void> {
    api.addHook('onRequest', (request, reply) => gate(ctx, request, reply))
    api.addHook('onResponse', async (_request, reply) => {
      if (reply.statusCode >= 400) ctx.count(String(reply.statusCode))
    })

    api.post('/app/token_info', async (request) => {
      const body = requireBody(request.body)
      const token = body.access_token
      if (typeof token !== 'string' || token === '')
        throw badRequest('access_token is required', { field: 'access_token' })
      const scopes = ctx.tokens[token]
      if (!scopes) throw new ApiError(401, 'authentication_error', 'Unknown or expired access token')
      return {
        authenticated_userid: `orgId:${SANDBOX_ORG_ID}`,
        scope: scopes.join(' '),
        expires_in: TOKEN_EXPIRES_IN_SECONDS,
        token_type: 'bearer',
        orgId: SANDBOX_ORG_ID
      }
    })

    api.post('/contacts', async (request) => {
      try {
        return { data: createContact(ctx.state, request.body, Date.now()) }
      } catch (error) {
        throw duplicateContactAnswer(ctx, error)
      }
    })

    api.get('/contacts', async (request) => {
      const query: Record<string, string | undefined> = {}
      for (const [key, value] of Object.entries(request.query as Record<string, string | string[]>)) {
        if (Array.isArray(value)) throw badRequest(`${key} must be given once`, { field: key })
        if (!LOOKUP_PARAMETERS.includes(key)) {
          throw badRequest(`Unknown query parameter ${key}. ${LOOKUP_HINT}`, { field: key })
        }
        query[key] = value
      }
      // One lookup per request: answering one of two would silently drop the other.
      if (query.email !== undefined && (query.idType !== undefined || query.id !== undefined)) {
        throw badRequest('give email or idType=external&id, not both', { field: 'email' })
      }
      if (query.email !== undefined) {
        if (query.email === '') throw badRequest('email must not be empty', { field: 'email' })
        return lookupAnswer(ctx, contactsByEmail(ctx.state, query.email))
      }
      if (query.idType !== undefined || query.id !== undefined) {
        if (query.idType !== 'external') throw badRequest('idType must be "external"', { field: 'idType' })
        if (!query.id) throw badRequest('id is required with idType=external', { field: 'id' })
        return lookupAnswer(ctx, contactsByExternalId(ctx.state, query.id))
      }
      throw badRequest(LOOKUP_HINT, { field: 'email' })
    })

    api.get('/contacts/attributes', async () => ({ data: { properties: attributeProperties(ctx.state) } }))

    api.get<{ Params: { id: string } }>('/contacts/:id', async (request) => ({
      data: findContact(ctx.state, parseIdParam(request.params.id, 'id'))
    }))

    api.patch<{ Params: { id: string } }>('/contacts/:id', async (request) => ({
      data: patchContact(ctx.state, parseIdParam(request.params.id, 'id'), request.body)
    }))

    api.delete<{ Params: { id: string } }>('/contacts/:id', async (request) => {
      const id = parseIdParam(request.params.id, 'id')
      deleteContact(ctx.state, id)
      return { data: { id, deleted: true } }
    })

    api.post('/contacts/timeline', async (request) => {
      const unknown = unknownExternalId(ctx, request.body)
      if (unknown !== undefined && ctx.variants.unknownTimeline === '400') {
        throw badRequest('Invalid contact', { field: 'externalId' })
      }
      if (unknown !== undefined && ctx.variants.unknownTimeline === '200-dropped') {
        // Drift might accept the event and drop it: counted, so a test can see that it happened.
        ctx.count('timeline dropped')
        return { data: { event: (request.body as { event?: unknown }).event } }
      }
      return { data: addTimelineEvent(ctx.state, request.body, Date.now()) }
    })

    api.post('/accounts/create', async (request) => {
      try {
        return { data: createAccount(ctx.state, request.body, Date.now()) }
      } catch (error) {
        if (
          !(error instanceof ApiError) ||
          error.statusCode !== 409 ||
          ctx.variants.duplicateAccount === '409-with-id'
        ) {
          throw error
        }
        throw badRequest('An account with this domain already exists', { field: 'domain' })
      }
    })

    api.patch('/accounts/update', async (request) => ({
      data: updateAccount(ctx.state, request.body, Date.now(), ctx.variants.accountCustomProperties)
    }))

    api.get<{ Params: { id: string } }>('/accounts/:id', async (request) => ({
      data: findAccount(ctx.state, request.params.id)
    }))

    api.post('/gdpr/delete', async (request) => ({ data: { deletedContacts: gdprDelete(ctx.state, request.body) } }))
  }
}
