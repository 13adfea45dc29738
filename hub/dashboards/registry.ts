import type { Queryable } from '../db/database.js';
import type { Period } from './period.js';

/** A mission's submissions to the national registry: received in the period, and waiting now. */
export interface RegistryFigures {
  readonly missionId: string;
  readonly received: number;
  /** Not yet looked at by the reconciliation. */
  readonly pending: number;
  /** Waiting for a registry officer. */
  readonly review: number;
  readonly oldestWaitingAt: Date | null;
}

/** The registry queue per mission. */
export async function registryFigures(
  db: Queryable,
  period: Period,
  missionId?: string,
): Promise<RegistryFigures[]> {
  const rows = await db.query<{
    mission_id: string;
    received: number;
    pending: number;
    review: number;
    oldest: Date | null;
  }>(
    `SELECT mission_id,
            count(*) FILTER (WHERE received_at >= $1 AND received_at < $2) AS received,
            count(*) FILTER (WHERE status = 'pending') AS pending,
            count(*) FILTER (WHERE status = 'review') AS review,
            min(received_at) FILTER (WHERE status IN ('pending', 'review')) AS oldest
       FROM registry_submissions
      WHERE ($3::text IS NULL OR mission_id = $3::text)
        AND (status IN ('pending', 'review') OR (received_at >= $1 AND received_at < $2))
      GROUP BY mission_id ORDER BY mission_id`,
    [period.from, period.to, missionId ?? null],
  );
  return rows.map((row) => ({
    missionId: row.mission_id,
    received: Number(row.received),
    pending: Number(row.pending),
    review: Number(row.review),
    oldestWaitingAt: row.oldest === null ? null : new Date(row.oldest),
  }));
}
