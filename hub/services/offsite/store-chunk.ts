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
import { isLacking, markStored } from './generation-state.js';

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
  // A few statements for the whole batch, whatever its size: what pending generations lacked among
  // these addresses (deleted from what they lack), the chunks written, what the hub already held.
  const distinct = new Map(chunks.map((each) => [toHex(each.address), each]));
  const lacked = await takeLacking(
    tx,
    missionId,
    [...distinct.values()].map((each) => each.address),
  );
  const touched = new Set([...lacked.values()].flat());
  const kept = [...distinct.entries()].filter(([hex]) => lacked.has(hex)).map(([, each]) => each);
  await insertChunks(tx, missionId, kept, now);
  const held = await heldAmong(
    tx,
    missionId,
    [...distinct.entries()].filter(([hex]) => !lacked.has(hex)).map(([, each]) => each.address),
  );
  const verdicts: ChunkVerdict[] = [];
  const received = new Map<number, number>();
  const newest = pending[0];
  for (const { chunk, address } of chunks) {
    const hex = toHex(address);
    const generations = lacked.get(hex);
    if (generations) {
      // The first copy in the batch is the one written; a second copy finds it held.
      lacked.delete(hex);
      held.add(hex);
      const generation = Math.max(...generations);
      received.set(generation, (received.get(generation) ?? 0) + chunk.length);
      verdicts.push({ kept: true, address, generation });
    } else if (held.has(hex) && newest !== undefined) {
      verdicts.push({ kept: false, address, ackGeneration: newest });
    } else {
      verdicts.push({ kept: false, address });
    }
  }
  for (const [generation, bytes] of received) {
    await tx.query(
      `UPDATE offsite_generations SET bytes_received = bytes_received + $3
        WHERE mission_id = $1 AND generation = $2`,
      [missionId, generation, bytes],
    );
  }
  const completed = [];
  // A probe per generation the batch touched; the list of what is missing is read only for a manifest.
  for (const generation of [...touched].sort((a, b) => b - a)) {
    if (!(await isLacking(tx, missionId, generation)))
      completed.push({ status: await markStored(tx, missionId, generation, now) });
  }
  return { verdicts, completed };
}

/**
 * Deletes these addresses from what the mission's pending generations lack: the generations that
 * lacked each address (hex), for those some generation lacked.
 */
async function takeLacking(
  tx: Queryable,
  missionId: string,
  addresses: readonly Uint8Array[],
): Promise<Map<string, number[]>> {
  const lacked = new Map<string, number[]>();
  if (addresses.length === 0) return lacked;
  const rows = await tx.query<{ address: Uint8Array; generation: number | string }>(
    `DELETE FROM offsite_missing WHERE mission_id = $1 AND address IN (${placeholders(addresses.length, 2)})
      RETURNING address, generation`,
    [missionId, ...addresses],
  );
  for (const row of rows) {
    const hex = toHex(row.address);
    lacked.set(hex, [...(lacked.get(hex) ?? []), Number(row.generation)]);
  }
  return lacked;
}

/** Writes the chunks a generation lacked, in one statement. */
async function insertChunks(
  tx: Queryable,
  missionId: string,
  chunks: readonly { readonly chunk: Uint8Array; readonly address: Uint8Array }[],
  now: Date,
): Promise<void> {
  if (chunks.length === 0) return;
  const rows = chunks.map((_, i) => `($1, $2, $${3 + i * 3}, $${4 + i * 3}, $${5 + i * 3})`);
  await tx.query(
    `INSERT INTO offsite_chunks (mission_id, stored_at, address, size, data) VALUES ${rows.join(', ')}
     ON CONFLICT (mission_id, address) DO NOTHING`,
    [missionId, now, ...chunks.flatMap(({ chunk, address }) => [address, chunk.length, chunk])],
  );
}

/** Which of these addresses (hex) the hub holds for the mission already. */
async function heldAmong(
  tx: Queryable,
  missionId: string,
  addresses: readonly Uint8Array[],
): Promise<Set<string>> {
  if (addresses.length === 0) return new Set();
  const rows = await tx.query<{ address: Uint8Array }>(
    `SELECT address FROM offsite_chunks WHERE mission_id = $1 AND address IN (${placeholders(addresses.length, 2)})`,
    [missionId, ...addresses],
  );
  return new Set(rows.map((row) => toHex(row.address)));
}

/** `$from, $from+1, …`: `count` placeholders. */
function placeholders(count: number, from: number): string {
  return Array.from({ length: count }, (_, i) => `$${from + i}`).join(', ');
}

async function lockPending(tx: Queryable, missionId: string): Promise<number[]> {
  const rows = await tx.query<{ generation: number }>(
    `SELECT generation FROM offsite_generations WHERE mission_id = $1 AND state = 'pending'
      ORDER BY generation DESC FOR UPDATE`,
    [missionId],
  );
  return rows.map((row) => Number(row.generation));
}
