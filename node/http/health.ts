import type { FastifyInstance } from 'fastify';
import { metricsGuard } from '../../common/http/metrics-guard.js';
import type { NodeConfig } from '../config/config.js';
import type { HubLinkStatus } from '../link/hub-connection.js';
import type { NodeMetrics } from '../metrics.js';
import type { HealthReadings } from '../services/health/health-readings.js';

/** What /healthz and /metrics read of the hub link; absent when the node runs alone. */
export interface HealthLink {
  /** In memory: free to read on every probe. */
  status(): HubLinkStatus;
  /** Envelopes sent and not yet acknowledged: a count in the database, for /metrics only. */
  heldCount(): number;
}

/** What /healthz and /metrics read. */
export interface HealthDeps {
  readonly health: HealthReadings;
  readonly metrics: NodeMetrics;
  readonly link: HealthLink | undefined;
  readonly version: string;
  readonly config: Pick<NodeConfig, 'ussd' | 'metrics'>;
  /** `/healthz` requests per minute and client address (default 60). */
  readonly healthzPerMinute?: number;
}

/**
 * `GET /healthz`, public: the node is healthy when its database answers (`SELECT 1`, nothing
 * counted: a probe anyone can call must cost next to nothing); the hub link being down is
 * reported, not a failure (the mission works without it). Limited per client address: a
 * supervisor polls it a few times a minute from its own address, and a flood from elsewhere is
 * refused before it reaches the database. `GET /metrics`: Prometheus text, with the counts, behind
 * the bearer token `metrics.token` (common/http/metrics-guard.ts).
 */
export async function healthRoutes(app: FastifyInstance, deps: HealthDeps): Promise<void> {
  const perMinute = deps.healthzPerMinute ?? 60;
  const probe = { schema: { hide: true }, config: { rateLimit: { max: perMinute, timeWindow: '1 minute' } } };
  app.get('/healthz', probe, async (_request, reply) => {
    const database = deps.health.isDatabaseUp();
    const link = deps.link?.status();
    return reply.status(database ? 200 : 503).send({
      status: database ? 'ok' : 'failing',
      version: deps.version,
      database: database ? 'ok' : 'failing',
      hubLink: link ? (link.connected ? 'connected' : 'disconnected') : 'not_configured',
      ussd: deps.config.ussd.token === undefined ? 'disabled' : 'enabled',
      // The hub's "last seen" of this mission is this same instant once the hub has taken it.
      lastSentAt: link?.lastSentAt === undefined ? null : new Date(link.lastSentAt).toISOString(),
    });
  });

  // A scraper polls from one address, often through a proxy: not limited; a caller without the
  // token is turned away before anything is read.
  const scrape = {
    schema: { hide: true },
    config: { rateLimit: false },
    onRequest: metricsGuard(deps.config.metrics.token),
  } as const;
  app.get('/metrics', scrape, async (_request, reply) => {
    const { health, metrics, link } = deps;
    const status = link?.status();
    metrics.linkConnected.set(status?.connected ? 1 : 0);
    if (status?.lastSentAt !== undefined) metrics.linkLastSent.set(status.lastSentAt / 1000);
    metrics.outboxBacklog.set(health.outboxBacklog() + (link?.heldCount() ?? 0));
    metrics.databaseBytes.set(health.databaseBytes());
    metrics.documentBytes.set(health.documentBytes());
    metrics.recoveredToReview.set(health.recoveredToReview());
    for (const [outcome, count] of Object.entries(health.recoveredByOutcome()))
      metrics.recoveredRecords.set({ outcome }, count);
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
