import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.js';
import type { HubMetrics } from '../metrics.js';

/** `GET /healthz` (the database answers; the broker link is reported) and `GET /metrics`. */
export async function hubHealthRoutes(
  app: FastifyInstance,
  deps: { db: Database; metrics: HubMetrics; linkConnected: () => boolean; version: string },
): Promise<void> {
  // Probes, not part of the JSON API: hidden from its OpenAPI document, like the node's.
  const probe = { schema: { hide: true } } as const;
  app.get('/healthz', probe, async (_request, reply) => {
    let database = true;
    try {
      await deps.db.query('SELECT 1');
    } catch {
      database = false;
    }
    return reply.status(database ? 200 : 503).send({
      status: database ? 'ok' : 'failing',
      version: deps.version,
      database: database ? 'ok' : 'failing',
      broker: deps.linkConnected() ? 'connected' : 'disconnected',
    });
  });
  app.get('/metrics', probe, async (_request, reply) =>
    reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()),
  );
}
