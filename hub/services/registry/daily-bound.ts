import type { Queryable } from '../../db/database.js';
import type { StoredSubmission } from './submissions.js';

/**
 * How many of one mission's submissions the rules decide per UTC day unless the config says
 * otherwise: well above what a consulate registers and transcribes in a day, far below what it
 * takes to sweep the registry by asking about invented persons.
 */
export const DEFAULT_SUBMISSIONS_PER_MISSION_PER_DAY = 500;

/** The UTC day of an instant, `YYYY-MM-DD`: the bound's day is the hub clock's, the same in every hub process. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * What is left of each mission's daily bound in this pass. Counts the decisions the rules took today
 * (officers' decisions are not bounded: they are the review the bound protects); the pass runs under
 * the registry lock, so no other process decides meanwhile. Submissions from a legacy register
 * (`import`) are loaded by the ministry itself and send nothing down: they are not bounded.
 */
export class DailyBound {
  readonly #left = new Map<string, number>();
  readonly #limit: number;

  private constructor(limit: number) {
    this.#limit = limit;
  }

  static async load(db: Queryable, limit: number, now: Date): Promise<DailyBound> {
    const bound = new DailyBound(limit);
    const rows = await db.query<{ mission_id: string; n: number }>(
      `SELECT s.mission_id, count(*) AS n
         FROM registry_decisions d JOIN registry_submissions s ON s.submission_id = d.submission_id
        WHERE d.decided_by = 'rule' AND d.decided_at >= $1::timestamptz AND s.origin = 'mission'
        GROUP BY s.mission_id`,
      // Midnight UTC as an instant: a bare date would be read in the session's time zone.
      [`${utcDay(now)}T00:00:00Z`],
    );
    for (const row of rows) bound.#left.set(row.mission_id, Math.max(0, limit - Number(row.n)));
    return bound;
  }

  /** True when the rules may decide this submission today, and counts it. */
  take(submission: StoredSubmission): boolean {
    if (submission.origin !== 'mission') return true;
    const left = this.#left.get(submission.missionId) ?? this.#limit;
    if (left <= 0) return false;
    this.#left.set(submission.missionId, left - 1);
    return true;
  }
}

/**
 * Keeps submissions pending past today: the next passes of the day skip them, the first pass of a
 * later day takes them again, oldest first. Nothing is refused, so nothing is lost.
 */
export async function holdForLaterDay(db: Queryable, submissionIds: readonly string[], day: string) {
  if (submissionIds.length === 0) return;
  await db.query(
    `UPDATE registry_submissions SET held_on = $2::date
      WHERE status = 'pending' AND submission_id IN (SELECT (jsonb_array_elements_text($1::jsonb))::uuid)`,
    [JSON.stringify(submissionIds), day],
  );
}

/** Per mission, the submissions ever held back by the daily bound, and those still waiting. */
export async function heldSubmissionCounts(db: Queryable) {
  const rows = await db.query<{ mission_id: string; total: number; waiting: number }>(
    `SELECT mission_id, count(*) AS total, count(*) FILTER (WHERE status = 'pending') AS waiting
       FROM registry_submissions WHERE held_on IS NOT NULL GROUP BY mission_id`,
  );
  return rows.map((row) => ({
    missionId: row.mission_id,
    total: Number(row.total),
    waiting: Number(row.waiting),
  }));
}
