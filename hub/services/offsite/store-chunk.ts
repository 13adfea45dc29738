import {
  chunkAddress,
  type Identity,
  OFFSITE_STATUS,
  type OffsiteStatus,
  type PublicIdentity,
  toHex,
} from '../../../protocol/index.js';
import type { Database, Queryable } from '../../db/database.js';
import { sealAndHold } from '../outbound.js';
import { markStored } from './generation-state.js';

/** What became of one chunk frame. */
export type ChunkVerdict =
  /** Written: a pending generation lacked it. */
  | {
      readonly kept: true;
      readonly address: Uint8Array;
      /** The newest generation that lacked it: the one its acknowledgement names. */
      readonly generation: number;
    }
  /**
   * Not written: no pending generation lacks it (a flipped byte, another mission's chunk, a chunk
   * resent after the hub took it). `ackGeneration` is set when the hub holds it already and a
   * generation is pending: acknowledging it again spares the node a resend.
   */
  | { readonly kept: false; readonly address: Uint8Array; readonly ackGeneration?: number };

/** A generation made whole, with its `stored` status sealed down when a sealer was given. */
export interface CompletedGeneration {
  readonly status: OffsiteStatus;
  readonly envelope?: Uint8Array;
}

/** One chunk's verdict and, when it was kept, the generations it made whole. */
export type ChunkOutcome =
  | (Extract<ChunkVerdict, { kept: true }> & { readonly completed: readonly CompletedGeneration[] })
  | Extract<ChunkVerdict, { kept: false }>;

/** What became of a batch of chunk frames: a verdict each, in order, and the generations made whole. */
export interface BatchOutcome {
  readonly verdicts: readonly ChunkVerdict[];
  readonly completed: readonly CompletedGeneration[];
}

/** The hub and the mission's key in force: to seal the `stored` status of a generation made whole. */
export interface StatusSealer {
  readonly hub: Identity;
  readonly mission: PublicIdentity;
}

/** One sealed chunk from a mission's backup topic: `storeChunks` with a batch of one. */
export async function storeChunk(
  db: Database,
  missionId: string,
  chunk: Uint8Array,
  now: Date,
  sealer?: StatusSealer,
): Promise<ChunkOutcome> {
  const { verdicts, completed } = await storeChunks(db, missionId, [chunk], now, sealer);
  const [verdict] = verdicts;
  if (!verdict) throw new TypeError('a batch of one chunk had no verdict');
  return verdict.kept ? { ...verdict, completed } : verdict;
}

/**
 * Sealed chunks from a mission's backup topic, in one transaction (one commit, so one flush to
 * disk, for the batch: per chunk, that flush was most of the transfer's time). Each address is
 * computed here (never taken from the sender), and a chunk is written only if a pending generation
 * of that mission lacks that address. A generation left lacking nothing becomes stored; its
 * `stored` status is then held on the channel in a transaction of its own, so that no chunk's
 * transaction waits for the channel's row while holding the generations' (the ingest takes them
 * the other way round). Were the hub to stop between the two, the node's manifest, sent again, is
 * answered `stored`. The mission's pending generations are locked first, so that two hub processes
 * storing its last two chunks cannot both miss the moment it became whole.
 */
export async function storeChunks(
  db: Database,
  missionId: string,
  chunks: readonly Uint8Array[],
  now: Date,
  sealer?: StatusSealer,
): Promise<BatchOutcome> {
  const addressed = chunks.map((chunk) => ({ chunk, address: chunkAddress(chunk) }));
  const outcome = await db.transaction((tx) => keepWhatIsLacked(tx, missionId, addressed, now));
  if (!sealer || outcome.completed.length === 0) return outcome;
  const completed = [];
  for (const { status } of outcome.completed) {
    const { envelope } = await db.transaction((tx) =>
      sealAndHold(tx, sealer.hub, sealer.mission, OFFSITE_STATUS, status, now.getTime()),
    );
    completed.push({ status, envelope });
  }
  return { ...outcome, completed };
}

async function keepWhatIsLacked(
  tx: Queryable,
  missionId: string,
  chunks: readonly { readonly chunk: Uint8Array; readonly address: Uint8Array }[],
  now: Date,
): Promise<BatchOutcome> {
  const pending = await lockPending(tx, missionId);
  if (pending.length === 0) {
    return { verdicts: chunks.map(({ address }) => ({ kept: false, address })), completed: [] };
  }
  const distinct = new Map(chunks.map((each) => [toHex(each.address), each]));
  const { lacked, held, whole } = await takeBatch(tx, missionId, [...distinct.values()], now);
  const verdicts: ChunkVerdict[] = [];
  const newest = pending[0];
  for (const { address } of chunks) {
    const hex = toHex(address);
    const generation = lacked.get(hex);
    if (generation !== undefined) {
      // The first copy in the batch is the one written; a second copy finds it held.
      lacked.delete(hex);
      held.add(hex);
      verdicts.push({ kept: true, address, generation });
    } else if (held.has(hex) && newest !== undefined) {
      verdicts.push({ kept: false, address, ackGeneration: newest });
    } else {
      verdicts.push({ kept: false, address });
    }
  }
  const completed = [];
  for (const generation of whole.sort((a, b) => b - a)) {
    completed.push({ status: await markStored(tx, missionId, generation, now) });
  }
  return { verdicts, completed };
}

/** What one batch did at the hub. */
interface TakenBatch {
  /** Addresses (hex) some pending generation lacked, with the newest of them: written now. */
  readonly lacked: Map<string, number>;
  /** Addresses (hex) the hub held before this batch. */
  readonly held: Set<string>;
  /** Generations this batch left lacking nothing. */
  readonly whole: number[];
}

/**
 * The batch in one statement, whatever its size, after the pending generations are locked (so that
 * its snapshot sees every chunk another hub process stored before): what pending generations lacked
 * among these addresses is deleted from what they lack; those chunks are written and their bytes
 * counted to the newest generation that lacked each; what the hub held already is read; and a
 * generation is whole when nothing it lacks is left beyond this batch's addresses. One round trip
 * instead of one per step: per batch, those were most of the hub's share of a transfer.
 */
async function takeBatch(
  tx: Queryable,
  missionId: string,
  chunks: readonly { readonly chunk: Uint8Array; readonly address: Uint8Array }[],
  now: Date,
): Promise<TakenBatch> {
  const values = chunks.map((_, i) => `($${3 + i * 3}::bytea, $${4 + i * 3}::integer, $${5 + i * 3}::bytea)`);
  const rows = await tx.query<{
    kind: 'taken' | 'held' | 'whole';
    address: Uint8Array | null;
    generation: number | string | null;
  }>(
    `WITH incoming (address, size, data) AS (VALUES ${values.join(', ')}),
     taken AS (
       DELETE FROM offsite_missing m USING incoming i
        WHERE m.mission_id = $1 AND m.address = i.address
       RETURNING m.address, m.generation
     ),
     newest AS (SELECT address, max(generation) AS generation FROM taken GROUP BY address),
     written AS (
       INSERT INTO offsite_chunks (mission_id, stored_at, address, size, data)
       SELECT $1, $2, i.address, i.size, i.data FROM incoming i JOIN newest n USING (address)
       ON CONFLICT (mission_id, address) DO NOTHING
     ),
     received AS (
       UPDATE offsite_generations g SET bytes_received = g.bytes_received + r.bytes
         FROM (SELECT n.generation, sum(i.size) AS bytes FROM newest n JOIN incoming i USING (address)
                GROUP BY n.generation) r
        WHERE g.mission_id = $1 AND g.generation = r.generation
     )
     SELECT 'taken' AS kind, address, generation FROM newest
     UNION ALL
     SELECT 'held', c.address, NULL FROM offsite_chunks c JOIN incoming i USING (address)
      WHERE c.mission_id = $1
     UNION ALL
     SELECT 'whole', NULL, t.generation FROM (SELECT DISTINCT generation FROM taken) t
      WHERE NOT EXISTS (
        SELECT 1 FROM offsite_missing m
         WHERE m.mission_id = $1 AND m.generation = t.generation
           AND m.address NOT IN (SELECT address FROM incoming))`,
    [missionId, now, ...chunks.flatMap(({ chunk, address }) => [address, chunk.length, chunk])],
  );
  const batch: TakenBatch = { lacked: new Map(), held: new Set(), whole: [] };
  for (const row of rows) {
    if (row.kind === 'taken' && row.address) batch.lacked.set(toHex(row.address), Number(row.generation));
    else if (row.kind === 'held' && row.address) batch.held.add(toHex(row.address));
    else if (row.kind === 'whole') batch.whole.push(Number(row.generation));
  }
  return batch;
}

async function lockPending(tx: Queryable, missionId: string): Promise<number[]> {
  const rows = await tx.query<{ generation: number }>(
    `SELECT generation FROM offsite_generations WHERE mission_id = $1 AND state = 'pending'
      ORDER BY generation DESC FOR UPDATE`,
    [missionId],
  );
  return rows.map((row) => Number(row.generation));
}
