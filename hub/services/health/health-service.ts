import type { Queryable } from '../../db/database.js';
import type { HubMetrics } from '../../metrics.js';

/** What the probes read. */
export interface HealthServiceOptions {
  readonly db: Queryable;
  /** The hub's Prometheus registry: its gauges read their counts from the store at scrape time. */
  readonly metrics: Pick<HubMetrics, 'registry'>;
}

/** The Prometheus exposition: its content type and its text. */
export interface MetricsText {
  readonly contentType: string;
  readonly text: string;
}

/** What `/healthz` and `/metrics` report. */
export interface HealthService {
  /** Whether the database answers now; never throws. */
  databaseAnswers(): Promise<boolean>;
  /** Every metric, the store's counts read now. */
  metrics(): Promise<MetricsText>;
}

/** Wires the health service. */
export function createHealthService(options: HealthServiceOptions): HealthService {
  const { db, metrics } = options;
  return {
    async databaseAnswers() {
      try {
        await db.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    async metrics() {
      return { contentType: metrics.registry.contentType, text: await metrics.registry.metrics() };
    },
  };
}
