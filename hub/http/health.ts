import type { FastifyInstance } from 'fastify';
import { metricsGuard } from '../../common/http/metrics-guard.js';
import type { HealthService } from '../services/health/health-service.js';

/** What the hub's probes need. */
export interface HubHealthDeps {
  readonly health: HealthService;
  readonly linkConnected: () => boolean;
  readonly version: string;
  /** The bearer token of `/metrics`; without one it answers 404. */
  readonly metricsToken: string | undefined;
  /** Whether off-site backups are on (a recovery key is configured); said in `/healthz` when given. */
  readonly offsiteBackup?: 'on' | 'off';
  /** `/healthz` requests per minute and client address (default 60). */
  readonly healthzPerMinute?: number;
}

/**
 * `GET /healthz`, public (the database answers `SELECT 1`; the broker link is reported), limited
 * per client address so that a flood never reaches the database; `GET /metrics`, with the store's
 * counts, behind the bearer token (common/http/metrics-guard.ts).
 */
export async function hubHealthRoutes(app: FastifyInstance, deps: HubHealthDeps): Promise<void> {
  // Probes, not part of the JSON API: hidden from its OpenAPI document, like the node's.
  const limit = { rateLimit: { max: deps.healthzPerMinute ?? 60, timeWindow: '1 minute' } };
  app.get('/healthz', { schema: { hide: true }, config: limit }, async (_request, reply) => {
    const database = await deps.health.databaseAnswers();
    return reply.status(database ? 200 : 503).send({
      status: database ? 'ok' : 'failing',
      version: deps.version,
      database: database ? 'ok' : 'failing',
      broker: deps.linkConnected() ? 'connected' : 'disconnected',
      ...(deps.offsiteBackup ? { offsiteBackup: deps.offsiteBackup } : {}),
    });
  });
  const scrape = { schema: { hide: true }, onRequest: metricsGuard(deps.metricsToken) } as const;
  app.get('/metrics', scrape, async (_request, reply) => {
    const metrics = await deps.health.metrics();
    return reply.type(metrics.contentType).send(metrics.text);
  });
}
