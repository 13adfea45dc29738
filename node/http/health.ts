import type { FastifyInstance } from 'fastify';
import type { Store } from '../db/store.js';
import type { HubLinkStatus } from '../link/hub-link.js';
import type { NodeMetrics } from '../metrics.js';
import { storedDocumentBytes } from '../services/files/file-documents.js';
import { outboxBacklog } from '../services/outbox/outbox.js';
import { countRecoveredByOutcome, countRecoveredToReview } from '../services/recovery/recovered-events.js';

/** What /healthz and /metrics read. */
export interface HealthDeps {
  readonly store: Store;
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
    const database = checkDatabase(deps.store);
    const link = deps.linkStatus();
    const body = {
      status: database ? 'ok' : 'failing',
      version: deps.version,
      database: database ? 'ok' : 'failing',
      hubLink: link ? (link.connected ? 'connected' : 'disconnected') : 'not_configured',
      // Read only from a database that answers: the failure must reach the probe as a 503.
      backlog: database ? outboxBacklog(deps.store).count : null,
      // The hub's "last seen" of this mission is this same instant once the hub has taken it.
      lastSentAt: link?.lastSentAt === undefined ? null : new Date(link.lastSentAt).toISOString(),
    };
    return reply.status(database ? 200 : 503).send(body);
  });

  app.get('/metrics', probe, async (_request, reply) => {
    const link = deps.linkStatus();
    deps.metrics.linkConnected.set(link?.connected ? 1 : 0);
    deps.metrics.outboxBacklog.set(outboxBacklog(deps.store).count + (link?.held ?? 0));
    const { db } = deps.store;
    deps.metrics.databaseBytes.set(
      (db.pragma('page_count', { simple: true }) as number) *
        (db.pragma('page_size', { simple: true }) as number),
    );
    deps.metrics.documentBytes.set(storedDocumentBytes(deps.store));
    deps.metrics.recoveredToReview.set(countRecoveredToReview(deps.store));
    for (const [outcome, count] of Object.entries(countRecoveredByOutcome(deps.store)))
      deps.metrics.recoveredRecords.set({ outcome }, count);
    return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
}

function checkDatabase(store: Store): boolean {
  try {
    return store.db.prepare('SELECT 1 AS ok').get() !== undefined;
  } catch {
    return false;
  }
}
