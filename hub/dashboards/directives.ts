import type { Queryable } from '../db/database.js';
import { overdueParams, overdueSql } from '../services/directives/overdue.js';
import type { Period } from './period.js';

/** Directives that ask for an acknowledgement, issued in the period, at one mission. */
export interface DirectiveFigures {
  readonly missionId: string;
  readonly expected: number;
  readonly acknowledged: number;
  /** Still unacknowledged a day after they were sent (when the hub starts reminding), not expired. */
  readonly overdue: number;
}

/** Acknowledgements per mission; the directive tables are small, no rollup needed. */
export async function directiveFigures(
  db: Queryable,
  period: Period,
  now: Date,
  missionId?: string,
): Promise<DirectiveFigures[]> {
  const rows = await db.query<{
    mission_id: string;
    expected: number;
    acknowledged: number;
    overdue: number;
  }>(
    `SELECT s.mission_id, count(*) AS expected,
            count(*) FILTER (WHERE s.acknowledged_at IS NOT NULL) AS acknowledged,
            count(*) FILTER (WHERE ${overdueSql('$3', '$4')}) AS overdue
       FROM directive_status s JOIN directives d ON d.id = s.directive_id
      WHERE d.requires_ack AND d.issued_at >= $1 AND d.issued_at < $2
        AND ($5::text IS NULL OR s.mission_id = $5::text)
      GROUP BY s.mission_id ORDER BY s.mission_id`,
    [period.from, period.to, ...overdueParams(now), missionId ?? null],
  );
  return rows.map((row) => ({
    missionId: row.mission_id,
    expected: Number(row.expected),
    acknowledged: Number(row.acknowledged),
    overdue: Number(row.overdue),
  }));
}
