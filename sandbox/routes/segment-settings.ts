import type { FastifyInstance } from 'fastify'

// Segment's CDN settings for a write key (`GET /v1/projects/<writeKey>/settings`), so a page on the Segment
// snippet (analytics-next's standalone build with `analytics._cdn` set to the sandbox) loads without the
// internet. Its `Segment.io` integration points at this sandbox (`POST /v1/<i|t|p|g|a|s>`, answered and
// counted, nothing stored) and metrics are off, so analytics-next sends nothing to Segment.

const WRITE_KEY = /^[A-Za-z0-9_-]{1,100}$/

export function segmentSettingsRoutes() {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get<{ Params: { writeKey: string } }>('/v1/projects/:writeKey/settings', async (request, reply) => {
      reply.header('access-control-allow-origin', '*').header('cache-control', 'no-store')
      if (!WRITE_KEY.test(request.params.writeKey)) {
        return reply.code(400).send({ error: 'writeKey must be 1 to 100 letters, digits, "_" or "-"' })
      }
      return {
        integrations: {
          'Segment.io': { apiKey: request.params.writeKey, apiHost: `${request.headers.host}/v1`, protocol: 'http' }
        },
        plan: { track: { __default: { enabled: true, integrations: {} } }, identify: { __default: { enabled: true } } },
        metrics: { sampleRate: 0 },
        middlewareSettings: {},
        enabledMiddleware: {},
        legacyVideoPluginsEnabled: false,
        remotePlugins: []
      }
    })

    // Segment's tracking API, as analytics-next calls it (text/plain JSON, so no CORS preflight).
    app.post<{ Params: { type: string } }>('/v1/:type', async (request, reply) => {
      reply.header('access-control-allow-origin', '*')
      if (!/^(i|t|p|g|a|s|batch)$/.test(request.params.type))
        return reply.code(404).send({ error: 'unknown call type' })
      return { success: true }
    })
  }
}
