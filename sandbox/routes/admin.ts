import type { FastifyInstance } from 'fastify'
import type { SandboxContext } from '../context'
import { badRequest } from '../errors'
import { validateFaults } from '../faults'
import { PAGE_CSP, PAGE_HTML } from '../page'
import { snapshot } from '../snapshot'
import { parseVariants } from '../variants'

// Routes for people and tests: the page, the state, counts, faults, reset and save. Not part of Drift's API:
// no auth, no faults, no rate limit (the sandbox only listens on loopback).

export function adminRoutes(ctx: SandboxContext, reset: () => void) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get('/', async (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', PAGE_CSP)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'no-store')
        .send(PAGE_HTML)
    )

    app.get<{ Querystring: { limit?: string } }>('/_sandbox/state', async (request) => {
      const { limit } = request.query
      if (limit !== undefined && !/^[0-9]{1,7}$/.test(limit))
        throw badRequest('limit must be a whole number', { field: 'limit' })
      return snapshot(ctx.state, ctx.counts(), limit === undefined ? undefined : Number(limit))
    })

    app.get('/_sandbox/counts', async () => ctx.counts())

    app.post('/_sandbox/reset', async () => {
      reset()
      return { reset: true }
    })

    app.get('/_sandbox/faults', async () => ctx.faults.current)

    app.post('/_sandbox/faults', async (request) => {
      try {
        ctx.faults.update(validateFaults(request.body ?? {}))
      } catch (error) {
        throw badRequest((error as Error).message)
      }
      return ctx.faults.current
    })

    app.get('/_sandbox/variants', async () => ctx.variants)

    app.post('/_sandbox/variants', async (request) => {
      try {
        Object.assign(ctx.variants, parseVariants(request.body ?? {}))
      } catch (error) {
        throw badRequest((error as Error).message)
      }
      return ctx.variants
    })

    app.post('/_sandbox/save', async () => {
      if (!ctx.stateFile) throw badRequest('This sandbox was started without stateFile: nothing to save to')
      return { saved: await ctx.saveState() }
    })
  }
}
