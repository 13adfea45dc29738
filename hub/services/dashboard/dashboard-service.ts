import { type Dashboard, loadDashboard } from '../../dashboards/dashboard.js';
import { type Period, type PeriodFilter, resolvePeriod } from '../../dashboards/period.js';
import { type VisaDashboard, visaFigures } from '../../dashboards/visas.js';
import type { Queryable } from '../../db/database.js';
import { listAuditAnomalies, type MissionAuditAnomalies } from './audit-anomalies.js';
import { type DashboardSummary, dashboardSummary } from './summary.js';

/** What the dashboards read. */
export interface DashboardServiceOptions {
  readonly db: Queryable;
  readonly now: () => Date;
}

/** The network's figures: the web dashboards and the JSON summary, both from the rollups. */
export interface DashboardService {
  /** The dashboard of the network, or of one mission, over the period a filter names. */
  load(filter: PeriodFilter, missionId?: string): Promise<Dashboard>;
  /** The JSON API's figures over [from, to): by default the last 30 days. */
  summary(from?: Date, to?: Date): Promise<DashboardSummary>;
  /** Visas and laissez-passer over the period a filter names, per mission and per nationality. */
  visas(filter: PeriodFilter, missionId?: string): Promise<VisaDashboard & { period: Period }>;
  /** The missions whose audit heads the hub flagged (or the one asked for), latest first. */
  auditAnomalies(missionId?: string): Promise<MissionAuditAnomalies[]>;
}

/** Wires the dashboard service. */
export function createDashboardService(options: DashboardServiceOptions): DashboardService {
  const { db, now } = options;
  return {
    load(filter, missionId) {
      const at = now();
      return loadDashboard(db, {
        period: resolvePeriod(filter, at),
        now: at,
        ...(missionId ? { missionId } : {}),
      });
    },
    summary: (from, to) => dashboardSummary(db, now(), from, to),
    async visas(filter, missionId) {
      const period = resolvePeriod(filter, now());
      return { period, ...(await visaFigures(db, period, missionId)) };
    },
    auditAnomalies: (missionId) => listAuditAnomalies(db, missionId),
  };
}
