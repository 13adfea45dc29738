import type { OffsiteManifest, OffsitePolicy } from '../../../protocol/index.js';
import type { Db } from '../../db/db.js';

/** The states of a generation: packed here, being sent, kept whole by the hub, or refused by it. */
export type GenerationState = 'packed' | 'sending' | 'stored' | 'refused';

/** Where a chunk's plaintext is on this node. */
export interface ChunkSource {
  readonly source: 'database' | 'scan' | 'manifest';
  /** A scan's file name; null for the database snapshot and the inner manifest. */
  readonly file: string | null;
  readonly offset: number;
  readonly length: number;
}

/** A generation's row. */
export interface GenerationRow {
  readonly generation: number;
  readonly state: GenerationState;
  readonly manifest: OffsiteManifest;
  readonly innerManifest: Uint8Array;
  readonly snapshot: string;
  readonly createdAt: string;
  readonly bytes: number;
  readonly sentBytes: number;
  readonly completedAt: string | null;
  readonly storedBytes: number | null;
  readonly refusedReason: string | null;
}

/** The policy the hub sent last, or undefined before the first. */
export function readPolicy(db: Db): OffsitePolicy | undefined {
  const row = db
    .prepare(
      `SELECT recovery_key AS recoveryKey, recovery_key_id AS recoveryKeyId,
              max_bytes_per_second AS maxBytesPerSecond, issued_at AS issuedAt
         FROM offsite_policy WHERE id = 1`,
    )
    .get() as OffsitePolicy | undefined;
  return row && { ...row };
}

/** Keeps a policy unless the one held was issued later (a late duplicate changes nothing). */
export function writePolicy(db: Db, policy: OffsitePolicy, receivedAt: string): void {
  db.prepare(
    `INSERT INTO offsite_policy (id, recovery_key, recovery_key_id, max_bytes_per_second, issued_at, received_at)
     VALUES (1, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET recovery_key = excluded.recovery_key,
       recovery_key_id = excluded.recovery_key_id, max_bytes_per_second = excluded.max_bytes_per_second,
       issued_at = excluded.issued_at, received_at = excluded.received_at
     WHERE excluded.issued_at >= offsite_policy.issued_at`,
  ).run(policy.recoveryKey, policy.recoveryKeyId, policy.maxBytesPerSecond, policy.issuedAt, receivedAt);
}

/** The highest generation number used or named so far (0 before any). */
export function lastGeneration(db: Db): number {
  const counter = db.prepare('SELECT last_generation FROM offsite_counter WHERE id = 1').pluck().get() as
    | number
    | undefined;
  const packed = db.prepare('SELECT max(generation) FROM offsite_generations').pluck().get() as number | null;
  return Math.max(counter ?? 0, packed ?? 0);
}

/** Raises the counter to at least `generation`; never lowers it. */
export function raiseLastGeneration(db: Db, generation: number): void {
  db.prepare(
    `INSERT INTO offsite_counter (id, last_generation) VALUES (1, ?)
     ON CONFLICT (id) DO UPDATE SET last_generation = max(last_generation, excluded.last_generation)`,
  ).run(generation);
}

/** Records a packed generation and where each of its chunks comes from. */
export function insertGeneration(
  db: Db,
  row: Pick<GenerationRow, 'manifest' | 'innerManifest' | 'snapshot' | 'createdAt' | 'bytes'>,
  chunks: ReadonlyMap<string, { readonly address: Uint8Array; readonly nonce: Uint8Array } & ChunkSource>,
): void {
  const { generation } = row.manifest;
  db.prepare(
    `INSERT INTO offsite_generations (generation, state, manifest, inner_manifest, snapshot, created_at, bytes)
     VALUES (?, 'packed', ?, ?, ?, ?, ?)`,
  ).run(generation, JSON.stringify(row.manifest), row.innerManifest, row.snapshot, row.createdAt, row.bytes);
  const insert = db.prepare(
    `INSERT INTO offsite_chunks (generation, address, nonce, source, file, "offset", length)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const chunk of chunks.values()) {
    insert.run(generation, chunk.address, chunk.nonce, chunk.source, chunk.file, chunk.offset, chunk.length);
  }
  raiseLastGeneration(db, generation);
}

interface RawGeneration {
  generation: number;
  state: GenerationState;
  manifest: string;
  inner_manifest: Uint8Array;
  snapshot: string;
  created_at: string;
  bytes: number;
  sent_bytes: number;
  completed_at: string | null;
  stored_bytes: number | null;
  refused_reason: string | null;
}

/** One generation, or undefined. */
export function readGeneration(db: Db, generation: number): GenerationRow | undefined {
  const row = db.prepare('SELECT * FROM offsite_generations WHERE generation = ?').get(generation) as
    | RawGeneration
    | undefined;
  return row && toGeneration(row);
}

/** The newest generation in one of the states given. */
export function newestIn(db: Db, states: readonly GenerationState[]): GenerationRow | undefined {
  const marks = states.map(() => '?').join(', ');
  const row = db
    .prepare(`SELECT * FROM offsite_generations WHERE state IN (${marks}) ORDER BY generation DESC LIMIT 1`)
    .get(...states) as RawGeneration | undefined;
  return row && toGeneration(row);
}

/** The number of the newest generation being sent, without reading its manifest. */
export function newestSendingNumber(db: Db): number | undefined {
  const generation = db
    .prepare(`SELECT max(generation) FROM offsite_generations WHERE state = 'sending'`)
    .pluck()
    .get() as number | null;
  return generation ?? undefined;
}

/** Generations older than `generation` still waiting to be sent: a newer one supersedes them. */
export function unsentBefore(db: Db, generation: number): GenerationRow[] {
  const rows = db
    .prepare(
      `SELECT * FROM offsite_generations WHERE generation < ? AND state IN ('packed', 'sending') ORDER BY generation`,
    )
    .all(generation) as RawGeneration[];
  return rows.map(toGeneration);
}

function toGeneration(row: RawGeneration): GenerationRow {
  return {
    generation: row.generation,
    state: row.state,
    manifest: JSON.parse(row.manifest) as OffsiteManifest,
    innerManifest: row.inner_manifest,
    snapshot: row.snapshot,
    createdAt: row.created_at,
    bytes: row.bytes,
    sentBytes: row.sent_bytes,
    completedAt: row.completed_at,
    storedBytes: row.stored_bytes,
    refusedReason: row.refused_reason,
  };
}
