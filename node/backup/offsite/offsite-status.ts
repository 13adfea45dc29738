import { type OffsitePolicy, type OffsiteStatus, splitAddresses } from '../../../protocol/index.js';
import type { Db } from '../../db/db.js';
import { raiseLastGeneration, readGeneration, writePolicy } from './offsite-store.js';

/** What the hub's answer means for the sender. */
export type StatusOutcome = 'send' | 'stored' | 'refused' | 'ignored';

/** Keeps the ministry's policy (offsite.policy); synchronous, for the link's receiving transaction. */
export function applyOffsitePolicy(db: Db, policy: OffsitePolicy, now: Date): void {
  writePolicy(db, policy, now.toISOString());
}

/**
 * Records the hub's answer to a manifest (offsite.status); synchronous, for the link's receiving
 * transaction. `missing` marks what to send (and only that: the rest the hub holds); `stored`
 * closes the generation; `refused` too, and a `stale_generation` raises the counter so that the
 * next generation is numbered above the one the hub would not take. An answer about a generation
 * this node no longer has (superseded by a newer one) changes nothing but the counter.
 */
export function applyOffsiteStatus(db: Db, status: OffsiteStatus, now: Date): StatusOutcome {
  raiseLastGeneration(db, status.generation);
  const row = readGeneration(db, status.generation);
  if (!row || row.state === 'stored') return 'ignored';
  switch (status.state) {
    case 'missing':
      return markMissing(db, status.generation, status.missing);
    case 'stored':
      db.prepare(
        `UPDATE offsite_generations SET state = 'stored', completed_at = ?, stored_bytes = ?, refused_reason = NULL
          WHERE generation = ?`,
      ).run(status.completedAt, status.bytes, status.generation);
      return 'stored';
    case 'refused':
      db.prepare(
        `UPDATE offsite_generations SET state = 'refused', refused_reason = ?, completed_at = ? WHERE generation = ?`,
      ).run(status.reason, now.toISOString(), status.generation);
      if (status.reason === 'stale_generation') skipPastStale(db, status.generation);
      return 'refused';
  }
}

function markMissing(db: Db, generation: number, joined: string): StatusOutcome {
  db.prepare(`UPDATE offsite_generations SET state = 'sending' WHERE generation = ?`).run(generation);
  db.prepare('UPDATE offsite_chunks SET wanted = 0 WHERE generation = ? AND wanted = 1').run(generation);
  const want = db.prepare('UPDATE offsite_chunks SET wanted = 1 WHERE generation = ? AND address = ?');
  for (const address of splitAddresses(joined)) want.run(generation, address);
  return 'send';
}

// The most numbers skipped at once: far more than a mission makes in a lifetime of nights.
const MAX_SKIP = 1 << 20;

/**
 * The hub holds a generation at or above the one it refused: this node went back in time (a local
 * backup restored, which holds an older counter). The refusal does not say how far, so the next
 * number skips ahead, twice as far after each refusal in a row (1, 2, 4, …): the node catches up
 * with the hub's last generation in a few round trips instead of one night per number.
 */
function skipPastStale(db: Db, refused: number): void {
  const recent = db
    .prepare(
      'SELECT state, refused_reason FROM offsite_generations WHERE generation <= ? ORDER BY generation DESC LIMIT 21',
    )
    .all(refused) as Array<{ state: string; refused_reason: string | null }>;
  let streak = 0;
  while (streak < recent.length && recent[streak]?.refused_reason === 'stale_generation') streak++;
  raiseLastGeneration(db, refused + Math.min(MAX_SKIP, 2 ** Math.max(0, streak - 1)) - 1);
}
