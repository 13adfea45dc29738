import type { Queryable } from '../../db/database.js';

/**
 * How long a mission may go without a stored off-site backup before HQ flags it: two nightly
 * backups missed. A mission never backed up is flagged that long after its enrolment.
 */
export const OFFSITE_OVERDUE_HOURS = 48;

/** A mission's newest stored off-site generation, as `GET /api/v1/missions` gives it. */
export interface OffsiteBackupSummary {
  readonly generation: number;
  readonly completedAt: string;
  /** The generation's size: every chunk it names. */
  readonly bytes: number;
  /** What its transfer brought that the hub did not hold yet. */
  readonly bytesSent: number;
  readonly ageHours: number;
}

/** Each mission's off-site standing: its newest stored generation, and whether it is overdue. */
export interface MissionOffsite {
  readonly missionId: string;
  readonly missionName: string;
  readonly last: OffsiteBackupSummary | null;
  readonly isOverdue: boolean;
}

/** Every unrevoked mission's newest stored generation, read once for the list, the pages and /metrics. */
export async function offsiteByMission(db: Queryable, now: Date): Promise<MissionOffsite[]> {
  const rows = await db.query<{
    id: string;
    name: string;
    enrolled_at: Date;
    revoked: boolean;
    generation: number | null;
    completed_at: Date | null;
    bytes: number | null;
    bytes_received: number | null;
  }>(
    `SELECT m.id, m.name, m.enrolled_at, m.revoked_at IS NOT NULL AS revoked,
            g.generation, g.completed_at, g.bytes, g.bytes_received
       FROM missions m
       LEFT JOIN LATERAL (
         SELECT generation, completed_at, bytes, bytes_received FROM offsite_generations
          WHERE mission_id = m.id AND state = 'stored' ORDER BY generation DESC LIMIT 1
       ) g ON true
      ORDER BY m.id`,
  );
  return rows.map((row) => {
    const last =
      row.generation === null || row.completed_at === null
        ? null
        : {
            generation: Number(row.generation),
            completedAt: row.completed_at.toISOString(),
            bytes: Number(row.bytes ?? 0),
            bytesSent: Number(row.bytes_received ?? 0),
            ageHours: hoursBetween(row.completed_at, now),
          };
    const since = row.completed_at ?? row.enrolled_at;
    return {
      missionId: row.id,
      missionName: row.name,
      last,
      isOverdue: !row.revoked && isOffsiteOverdue(since, now),
    };
  });
}

/** The rule, once: no stored generation completed within {@link OFFSITE_OVERDUE_HOURS} of `now`. */
export function isOffsiteOverdue(lastStoredOrEnrolled: Date, now: Date): boolean {
  return now.getTime() - lastStoredOrEnrolled.getTime() > OFFSITE_OVERDUE_HOURS * 3_600_000;
}

function hoursBetween(from: Date, to: Date): number {
  return Math.max(0, Math.round(((to.getTime() - from.getTime()) / 3_600_000) * 10) / 10);
}
