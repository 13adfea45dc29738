import type { FastifyInstance } from 'fastify';
import type { HubLinkStatus } from '../link/hub-connection.js';
import type { NodeMetrics } from '../metrics.js';
import type { HealthReadings } from '../services/health/health-readings.js';

/** What /healthz and /metrics read. */
export interface HealthDeps {
  readonly health: HealthReadings;
  readonly metrics: NodeMetrics;
  readonly linkStatus: () => HubLinkStatus | undefined;
  readonly version: string;
}

/**
 * `GET /healthz`: the node is healthy when its database answers; the hub link being down is
 * reported, not a failure (the mission works without it). `GET /metrics`: Prometheus text.
 */
export async function healthRoutes(app: FastifyInstance, deps: HealthDeps): Promise<void> {
  // A probe or a scraper polls from one address, often through a proxy: never rate-limited.
  const probe = { schema: { hide: true }, config: { rateLimit: false } } as const;
  app.get('/healthz', probe, async (_request, reply) => {
    const { health } = deps;
    const database = health.isDatabaseUp();
    const link = deps.linkStatus();
    const body = {
      status: database ? 'ok' : 'failing',
      version: deps.version,
      database: database ? 'ok' : 'failing',
      hubLink: link ? (link.connected ? 'connected' : 'disconnected') : 'not_configured',
      // Read only from a database that answers: the failure must reach the probe as a 503.
      backlog: database ? health.outboxBacklog() : null,
      // The hub's "last seen" of this mission is this same instant once the hub has taken it.
      lastSentAt: link?.lastSentAt === undefined ? null : new Date(link.lastSentAt).toISOString(),
    };
    return reply.status(database ? 200 : 503).send(body);
  });

  app.get('/metrics', probe, async (_request, reply) => {
    const { health, metrics } = deps;
    const link = deps.linkStatus();
    metrics.linkConnected.set(link?.connected ? 1 : 0);
    metrics.outboxBacklog.set(health.outboxBacklog() + (link?.held ?? 0));
    metrics.databaseBytes.set(health.databaseBytes());
    metrics.documentBytes.set(health.documentBytes());
    metrics.recoveredToReview.set(health.recoveredToReview());
    for (const [outcome, count] of Object.entries(health.recoveredByOutcome()))
      metrics.recoveredRecords.set({ outcome }, count);
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
