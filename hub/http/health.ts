import type { FastifyInstance } from 'fastify';
import type { HealthService } from '../services/health/health-service.js';

/** `GET /healthz` (the database answers; the broker link is reported) and `GET /metrics`. */
export async function hubHealthRoutes(
  app: FastifyInstance,
  deps: { health: HealthService; linkConnected: () => boolean; version: string },
): Promise<void> {
  // Probes, not part of the JSON API: hidden from its OpenAPI document, like the node's.
  const probe = { schema: { hide: true } } as const;
  app.get('/healthz', probe, async (_request, reply) => {
    const database = await deps.health.databaseAnswers();
    return reply.status(database ? 200 : 503).send({
      status: database ? 'ok' : 'failing',
      version: deps.version,
      database: database ? 'ok' : 'failing',
      broker: deps.linkConnected() ? 'connected' : 'disconnected',
    });
  });
  app.get('/metrics', probe, async (_request, reply) => {
    const metrics = await deps.health.metrics();
    return reply.type(metrics.contentType).send(metrics.text);
  });
}
