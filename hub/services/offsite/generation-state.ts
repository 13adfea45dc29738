import { ADDRESS_BYTES, joinAddresses, type OffsiteStatus } from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';

/**
 * The addresses a generation's `addresses` column (or a parameter) holds, one row each: the
 * concatenation is split by the server, so a generation of 100,000 chunks is one statement.
 */
export function splitAddressesSql(bytes: string): string {
  return `SELECT substring(${bytes} FROM i * ${ADDRESS_BYTES} + 1 FOR ${ADDRESS_BYTES}) AS address
            FROM generate_series(0, length(${bytes}) / ${ADDRESS_BYTES} - 1) AS i`;
}

/** The chunks a pending generation still lacks. */
export async function missingOf(tx: Queryable, missionId: string, generation: number): Promise<Uint8Array[]> {
  const rows = await tx.query<{ address: Uint8Array }>(
    'SELECT address FROM offsite_missing WHERE mission_id = $1 AND generation = $2 ORDER BY address',
    [missionId, generation],
  );
  return rows.map((row) => row.address);
}

/**
 * Where a generation stands, as offsite.status says it: `missing` while chunks are lacking; once none
 * is, the generation is marked stored (here, if it was still pending) and `stored` answers.
 */
export async function statusOf(
  tx: Queryable,
  missionId: string,
  generation: number,
  now: Date,
): Promise<OffsiteStatus> {
  const missing = await missingOf(tx, missionId, generation);
  if (missing.length > 0) return { state: 'missing', generation, missing: joinAddresses(missing) };
  return markStored(tx, missionId, generation, now);
}

/** A generation lacking nothing, stored (if it was still pending); its `stored` status. */
export async function markStored(
  tx: Queryable,
  missionId: string,
  generation: number,
  now: Date,
): Promise<OffsiteStatus> {
  await tx.query(
    `UPDATE offsite_generations SET state = 'stored', completed_at = $3
      WHERE mission_id = $1 AND generation = $2 AND state = 'pending'`,
    [missionId, generation, now],
  );
  const [row] = await tx.query<{ completed_at: Date; bytes: number | string }>(
    'SELECT completed_at, bytes FROM offsite_generations WHERE mission_id = $1 AND generation = $2',
    [missionId, generation],
  );
  if (!row) throw new TypeError(`no off-site generation ${generation} of ${missionId}`);
  return {
    state: 'stored',
    generation,
    completedAt: row.completed_at.toISOString(),
    bytes: Number(row.bytes),
  };
}
