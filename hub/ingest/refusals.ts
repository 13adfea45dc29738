import type { RefusalReason } from '../../protocol/index.js';
import type { Queryable } from '../db/database.js';

/** Counts a refused envelope under its reason, keeping the latest sender and detail for operators. */
export async function countRefusal(
  tx: Queryable,
  reason: RefusalReason,
  detail: string,
  claimedSender: string | undefined,
  at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO ingest_refusals (reason, count, last_at, last_sender, last_detail)
     VALUES ($1, 1, $2, $3, $4)
     ON CONFLICT (reason) DO UPDATE SET count = ingest_refusals.count + 1, last_at = EXCLUDED.last_at,
       last_sender = EXCLUDED.last_sender, last_detail = EXCLUDED.last_detail`,
    // The detail comes from untrusted bytes: bounded so a flood cannot bloat the row.
    [reason, at, claimedSender?.slice(0, 255) ?? null, detail.slice(0, 500)],
  );
}

/** The count of refused envelopes per reason, for /metrics. */
export async function refusalCounts(db: Queryable): Promise<Record<string, number>> {
  const rows = await db.query<{ reason: string; count: number }>(
    'SELECT reason, count FROM ingest_refusals ORDER BY reason',
  );
  return Object.fromEntries(rows.map((row) => [row.reason, row.count]));
}
