import type { Database, Queryable } from '../../db/database.js';
import { splitAddressesSql } from './generation-state.js';
import { generationsToKeep } from './keep-generations.js';
import type { KeepRule } from './offsite-settings.js';

/** What the retention did for one mission, and what the mission's backups take on the hub's disk. */
export interface MissionRetention {
  readonly missionId: string;
  readonly generationsDeleted: number;
  readonly chunksDeleted: number;
  readonly generationsKept: number;
  readonly chunks: number;
  readonly bytes: number;
}

const RETENTION_LOCK = 'econsulat-hub-offsite-retention';

/**
 * Applies the retention to every mission holding off-site generations, one transaction per
 * mission: stored generations the rule does not keep go, so do pending ones older than the newest
 * stored (a transfer the node gave up), then every chunk no remaining generation names.
 */
export async function pruneOffsiteGenerations(db: Database, rule: KeepRule): Promise<MissionRetention[]> {
  return db.exclusive(RETENTION_LOCK, async () => {
    const missions = await db.query<{ mission_id: string }>(
      'SELECT DISTINCT mission_id FROM offsite_chunks UNION SELECT DISTINCT mission_id FROM offsite_generations',
    );
    const report: MissionRetention[] = [];
    for (const { mission_id } of missions) {
      report.push(await db.transaction((tx) => pruneMission(tx, mission_id, rule)));
    }
    return report;
  });
}

async function pruneMission(tx: Queryable, missionId: string, rule: KeepRule): Promise<MissionRetention> {
  // The mission's row first, as a manifest's ingest takes it: a generation being taken cannot count
  // on a chunk this transaction is about to delete.
  await tx.query('SELECT id FROM missions WHERE id = $1 FOR UPDATE', [missionId]);
  const rows = await tx.query<{ generation: number; state: string; created_at: Date }>(
    `SELECT generation, state, created_at FROM offsite_generations WHERE mission_id = $1
      ORDER BY generation FOR UPDATE`,
    [missionId],
  );
  const stored = rows.filter((row) => row.state === 'stored');
  const kept = generationsToKeep(
    stored.map((row) => ({ generation: Number(row.generation), createdAt: row.created_at })),
    rule,
  );
  const newestStored = Math.max(0, ...kept);
  const doomed = rows
    .map((row) => Number(row.generation))
    .filter((generation, index) =>
      rows[index]?.state === 'stored' ? !kept.has(generation) : generation < newestStored,
    );
  if (doomed.length > 0) {
    await tx.query(
      `DELETE FROM offsite_generations WHERE mission_id = $1
          AND generation IN (SELECT value::bigint FROM jsonb_array_elements_text($2::jsonb))`,
      [missionId, JSON.stringify(doomed)],
    );
  }
  const [gone] = await tx.query<{ n: number }>(
    `WITH named AS (
       SELECT DISTINCT split.address FROM offsite_generations g
         CROSS JOIN LATERAL (${splitAddressesSql('g.addresses')}) AS split
        WHERE g.mission_id = $1
     ), gone AS (
       DELETE FROM offsite_chunks c WHERE c.mission_id = $1
          AND NOT EXISTS (SELECT 1 FROM named WHERE named.address = c.address)
       RETURNING 1
     )
     SELECT count(*) AS n FROM gone`,
    [missionId],
  );
  const [use] = await tx.query<{ chunks: number; bytes: number | null }>(
    'SELECT count(*) AS chunks, sum(size)::bigint AS bytes FROM offsite_chunks WHERE mission_id = $1',
    [missionId],
  );
  return {
    missionId,
    generationsDeleted: doomed.length,
    chunksDeleted: Number(gone?.n ?? 0),
    generationsKept: rows.length - doomed.length,
    chunks: Number(use?.chunks ?? 0),
    bytes: Number(use?.bytes ?? 0),
  };
}
