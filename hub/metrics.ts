import { Counter, Gauge, Registry } from 'prom-client';
import { type MissionLink, missionLinks } from './dashboards/links.js';
import type { Database } from './db/database.js';
import { auditAnomalyCounts } from './ingest/audit-chain-check.js';
import { unreadEventCounts } from './ingest/event-data-check.js';
import type { IngestOutcome } from './ingest/ingest-types.js';
import { offsiteMetrics } from './metrics-offsite.js';
import { type MissionFigure, perMissionGauges } from './metrics-per-mission.js';
import { registryBoundGauges } from './metrics-registry.js';

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
  new Gauge({
    name: 'econsulat_hub_channel_resyncs',
    help: 'Channels found to have gone back in time (a restore, a snapshot), by kind (PROTOCOL.md)',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      const rows = await db.query<{ kind: string; n: number }>(
        'SELECT kind, count(*) AS n FROM channel_resyncs GROUP BY kind',
      );
      this.reset();
      for (const row of rows) this.labels(row.kind).set(Number(row.n));
    },
  });
  new Gauge({
    name: 'econsulat_hub_events_unread',
    help: 'Events kept whose data does not match their kind (unknown_kind, unexpected_data), by kind',
    labelNames: ['kind', 'reason'],
    registers: [registry],
    async collect() {
      const rows = await unreadEventCounts(db);
      this.reset();
      for (const row of rows) this.labels(row.kind, row.reason).set(row.count);
    },
  });
  new Gauge({
    name: 'econsulat_hub_audit_anomalies',
    help: 'Audit heads a mission sent that do not extend the ones the hub holds, by mission and kind (PROTOCOL.md)',
    labelNames: ['mission', 'kind'],
    registers: [registry],
    async collect() {
      const rows = await auditAnomalyCounts(db);
      this.reset();
      for (const row of rows) this.labels(row.missionId, row.anomaly).set(row.count);
    },
  });
  registryBoundGauges(db, registry);
  missionLinkGauges(db, registry);
  return {
    registry,
    brokerRefusals,
    offsite: offsiteMetrics(db, registry),
    record(outcome: IngestOutcome) {
      ingested.labels(outcome.status).inc();
    },
  };
}

/**
 * Each mission's link figures, read at scrape time from the same row as `GET /api/v1/missions` and
 * the dashboards (services/missions/link-figures.ts), so the three never disagree.
 */
function missionLinkGauges(db: Database, registry: Registry): void {
  const figures: readonly MissionFigure<MissionLink>[] = [
    [
      'econsulat_hub_mission_online',
      'Whether the mission is online (1) or not (0)',
      (l) => (l.online ? 1 : 0),
    ],
    [
      'econsulat_hub_mission_backlog_events',
      'Events the mission had left to send after the newest message the hub applied',
      (l) => l.backlog,
    ],
    [
      'econsulat_hub_mission_last_seen_timestamp_seconds',
      'Timestamp the mission sealed on the newest message the hub took (its own /healthz lastSentAt)',
      (l) => seconds(l.lastSeenAt),
    ],
    [
      'econsulat_hub_mission_last_sync_timestamp_seconds',
      'When the hub last applied a message after which the mission had nothing left to send',
      (l) => seconds(l.lastSyncAt),
    ],
  ];
  perMissionGauges(
    registry,
    () => missionLinks(db),
    (link) => link.id,
    figures,
  );
}

function seconds(at: Date | null): number | undefined {
  return at === null ? undefined : at.getTime() / 1000;
}

/** The hub's metrics. */
export type HubMetrics = ReturnType<typeof createHubMetrics>;
