import type { Queryable } from '../../db/database.js';
import type { AuditAnomaly } from '../../ingest/audit-chain-check.js';

export type { AuditAnomaly };

/** One audit head a mission reported that the hub flagged (audit_checkpoints, hub migration 017). */
export interface AuditAnomalyReport {
  readonly anomaly: AuditAnomaly;
  /** Entries in the chain the mission reported. */
  readonly length: number;
  /** The longest unflagged head the hub held when this one came: what it was judged against. */
  readonly heldLength: number | null;
  /** When the mission says it took the head (its clock). */
  readonly headAt: Date;
  /** When the hub received it. */
  readonly reportedAt: Date;
}

/** A mission with flagged audit heads: how many, and the latest ones. */
export interface MissionAuditAnomalies {
  readonly missionId: string;
  readonly missionName: string;
  /** Every flagged head of the mission, not only those in `reports`. */
  readonly total: number;
  /** The latest first, at most {@link REPORTS_PER_MISSION}. */
  readonly reports: readonly AuditAnomalyReport[];
}

/**
 * A mission may go on sending bad heads: the latest few say what is wrong, the count how long it
 * has gone on, and one mission cannot push the others off the page.
 */
export const REPORTS_PER_MISSION = 10;

interface FlaggedRow {
  mission_id: string;
  mission_name: string;
  anomaly: AuditAnomaly;
  length: number;
  held_length: number | null;
  at: Date | string;
  received_at: Date | string;
  total: number;
}

/**
 * The missions whose audit heads were flagged (or the one asked for), the one flagged last first.
 * Nothing clears a flag: a rewritten chain stays rewritten, so the list is every anomaly ever seen.
 */
export async function listAuditAnomalies(
  db: Queryable,
  missionId?: string,
): Promise<MissionAuditAnomalies[]> {
  const rows = await db.query<FlaggedRow>(
    `WITH flagged AS (
       SELECT mission_id, anomaly, length, at, received_at,
              row_number() OVER (PARTITION BY mission_id ORDER BY received_at DESC, length DESC) AS n,
              count(*) OVER (PARTITION BY mission_id) AS total,
              max(received_at) OVER (PARTITION BY mission_id) AS latest
         FROM audit_checkpoints
        WHERE anomaly IS NOT NULL AND ($1::text IS NULL OR mission_id = $1::text))
     SELECT f.mission_id, m.name AS mission_name, f.anomaly, f.length, f.at, f.received_at, f.total,
            (SELECT max(h.length) FROM audit_checkpoints h
              WHERE h.mission_id = f.mission_id AND h.anomaly IS NULL AND h.received_at < f.received_at)
              AS held_length
       FROM flagged f JOIN missions m ON m.id = f.mission_id
      WHERE f.n <= $2
      ORDER BY f.latest DESC, f.mission_id, f.n`,
    [missionId ?? null, REPORTS_PER_MISSION],
  );
  const missions = new Map<string, MissionAuditAnomalies & { reports: AuditAnomalyReport[] }>();
  for (const row of rows) {
    let mission = missions.get(row.mission_id);
    if (!mission) {
      mission = {
        missionId: row.mission_id,
        missionName: row.mission_name,
        total: Number(row.total),
        reports: [],
      };
      missions.set(row.mission_id, mission);
    }
    mission.reports.push({
      anomaly: row.anomaly,
      length: Number(row.length),
      heldLength: row.held_length === null ? null : Number(row.held_length),
      headAt: new Date(row.at),
      reportedAt: new Date(row.received_at),
    });
  }
  return [...missions.values()];
}
