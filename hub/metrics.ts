import { Counter, Gauge, Registry } from 'prom-client';
import type { Database } from './db/database.js';
import type { IngestOutcome } from './ingest/ingest-types.js';

/** The hub's Prometheus metrics, in a registry of its own. */
export function createHubMetrics(db: Database) {
  const registry = new Registry();
  const ingested = new Counter({
    name: 'econsulat_hub_envelopes_total',
    help: 'Envelopes from missions by outcome (applied, control, duplicate, gap, refused)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const brokerRefusals = new Counter({
    name: 'econsulat_hub_broker_refusals_total',
    help: 'Connections, publications and subscriptions the broker refused',
    labelNames: ['kind'],
    registers: [registry],
  });
  // Refusals are counted in the database (they survive restarts and are shared by hub processes).
  new Gauge({
    name: 'econsulat_hub_envelopes_refused',
    help: 'Envelopes refused at ingest since the database was created, by reason',
    labelNames: ['reason'],
    registers: [registry],
    async collect() {
      const rows = await db.query<{ reason: string; count: number }>(
        'SELECT reason, count FROM ingest_refusals',
      );
      this.reset();
      for (const row of rows) this.labels(row.reason).set(Number(row.count));
    },
  });
  new Gauge({
    name: 'econsulat_hub_missions_online',
    help: 'Missions whose presence is online',
    registers: [registry],
    async collect() {
      const [row] = await db.query<{ n: number }>('SELECT count(*) AS n FROM missions WHERE online');
      this.set(Number(row?.n ?? 0));
    },
  });
  return {
    registry,
    brokerRefusals,
    record(outcome: IngestOutcome) {
      ingested.labels(outcome.status).inc();
    },
  };
}

/** The hub's metrics. */
export type HubMetrics = ReturnType<typeof createHubMetrics>;
