import { AppointmentEvents } from '../../../protocol/index.js';
import { eventCountsByKind } from '../../dashboards/event-counts.js';
import type { Queryable } from '../../db/database.js';

/** The network at a glance, from the dashboards' rollups and the small status tables. */
export interface DashboardSummary {
  readonly generatedAt: string;
  readonly period: { readonly from: string; readonly to: string };
  readonly missions: { readonly total: number; readonly online: number; readonly backlog: number };
  readonly events: { readonly total: number; readonly byKind: Record<string, number> };
  readonly appointments: {
    readonly booked: number;
    readonly cancelled: number;
    readonly checkedIn: number;
    readonly noShow: number;
  };
  readonly directives: { readonly issued: number; readonly awaitingAcknowledgement: number };
  readonly auditAnomalies: number;
}

const APPOINTMENT_KINDS = {
  booked: AppointmentEvents.Booked,
  cancelled: AppointmentEvents.Cancelled,
  checkedIn: AppointmentEvents.CheckedIn,
  noShow: AppointmentEvents.NoShow,
} as const;

/**
 * Figures over [from, to): by default the last 30 days. Events are counted as the web dashboards
 * count them, from the rollups (hub/dashboards/), exact to the instant at the window's edges.
 */
export async function dashboardSummary(
  db: Queryable,
  now: Date,
  from?: Date,
  to?: Date,
): Promise<DashboardSummary> {
  const end = to ?? now;
  const start = from ?? new Date(end.getTime() - 30 * 86_400_000);
  const [missions] = await db.query<{ total: number; online: number; backlog: number }>(
    `SELECT count(*) AS total, count(*) FILTER (WHERE online) AS online, COALESCE(sum(backlog_events), 0) AS backlog
       FROM missions WHERE revoked_at IS NULL`,
  );
  const kinds = await eventCountsByKind(db, start, end);
  const byKind = Object.fromEntries(kinds.map((row) => [row.kind, row.events]));
  const [directives] = await db.query<{ issued: number; waiting: number }>(
    `SELECT (SELECT count(*) FROM directives WHERE issued_at >= $1 AND issued_at < $2) AS issued,
            (SELECT count(*) FROM directive_status s JOIN directives d ON d.id = s.directive_id
              WHERE d.requires_ack AND s.acknowledged_at IS NULL) AS waiting`,
    [start, end],
  );
  const [anomalies] = await db.query<{ n: number }>(
    'SELECT count(*) AS n FROM audit_checkpoints WHERE anomaly IS NOT NULL',
  );
  return {
    generatedAt: now.toISOString(),
    period: { from: start.toISOString(), to: end.toISOString() },
    missions: {
      total: Number(missions?.total ?? 0),
      online: Number(missions?.online ?? 0),
      backlog: Number(missions?.backlog ?? 0),
    },
    events: { total: Object.values(byKind).reduce((sum, n) => sum + n, 0), byKind },
    appointments: {
      booked: byKind[APPOINTMENT_KINDS.booked] ?? 0,
      cancelled: byKind[APPOINTMENT_KINDS.cancelled] ?? 0,
      checkedIn: byKind[APPOINTMENT_KINDS.checkedIn] ?? 0,
      noShow: byKind[APPOINTMENT_KINDS.noShow] ?? 0,
    },
    directives: {
      issued: Number(directives?.issued ?? 0),
      awaitingAcknowledgement: Number(directives?.waiting ?? 0),
    },
    auditAnomalies: Number(anomalies?.n ?? 0),
  };
}
