import type { Queryable } from '../../db/database.js';

/**
 * Deletes the missions' sealed record copies received before `before`: past the retention period a
 * mission restored from a backup that old no longer gets its records back, only its events.
 * Returns how many went.
 */
export async function pruneRecordCopies(db: Queryable, before: Date): Promise<number> {
  const rows = await db.query<{ n: number | string }>(
    `WITH gone AS (DELETE FROM mission_record_copies WHERE received_at < $1 RETURNING 1)
     SELECT count(*) AS n FROM gone`,
    [before],
  );
  return Number(rows[0]?.n ?? 0);
}
