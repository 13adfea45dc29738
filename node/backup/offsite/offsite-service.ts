import { mkdir } from 'node:fs/promises';
import type { Identity, OffsiteManifest, OffsitePolicy, OffsiteStatus } from '../../../protocol/index.js';
import type { Store } from '../../db/store.js';
import { transaction, unsyncedTransaction } from '../../db/transaction.js';
import { type GenerationSources, resealChunkFrame } from './chunk-source.js';
import { OffsiteError, OffsiteErrorCode } from './errors.js';
import { applyOffsitePolicy, applyOffsiteStatus, type StatusOutcome } from './offsite-status.js';
import {
  type ChunkSource,
  insertGeneration,
  lastGeneration,
  newestIn,
  newestSendingNumber,
  readGeneration,
  readPolicy,
  unsentBefore,
} from './offsite-store.js';
import { packGeneration } from './pack.js';
import { createBlockReader } from './pieces.js';
import { readSiteFiles } from './site-files.js';
import { removeSnapshot } from './snapshot.js';

/** What the off-site backups of a node need. */
export interface OffsiteDeps {
  readonly store: Store;
  /** The mission's data key and identity, and the identity key file's text: sealed in each generation. */
  readonly dataKey: Uint8Array;
  readonly identity: Identity;
  readonly identityKeyFile: string;
  /** The node's config as JSON text, sealed in each generation's key envelope. */
  readonly nodeConfig?: string;
  /** The data directory whose HTTPS files (site-files.ts) go in each generation's key envelope. */
  readonly siteDir?: string;
  /**
   * Reads the identity in force when a generation is packed (a key rotation replaces the file);
   * without it, `identity` and `identityKeyFile` are used.
   */
  readonly currentIdentity?: () => Promise<{ readonly identity: Identity; readonly keyFile: string }>;
  readonly dirs: { readonly backups: string; readonly documents: string };
  readonly now?: () => Date;
}

/** A generation just packed. */
export interface PackResult {
  readonly generation: number;
  readonly chunks: number;
  readonly bytes: number;
  readonly manifest: OffsiteManifest;
}

/** A chunk the hub lacks and has not acknowledged. */
export interface ChunkToSend {
  readonly generation: number;
  readonly address: Uint8Array;
  readonly length: number;
}

/** The last generation the hub kept whole. */
export interface StoredGeneration {
  readonly generation: number;
  readonly completedAt: string;
  readonly bytes: number;
}

/** The node's off-site backups: packing generations, and the state of their transfer. */
export interface OffsiteBackups {
  policy(): OffsitePolicy | undefined;
  setPolicy(policy: OffsitePolicy): void;
  /** Packs the next generation (throws `offsite_no_policy` before the hub sent a policy). */
  pack(): Promise<PackResult>;
  /** The manifest of the generation being sent, to announce (again) to the hub. */
  manifestToSend(): OffsiteManifest | undefined;
  /** Chunks the hub named missing and has not acknowledged, oldest first, skipping those in `skip` (hex). */
  nextChunksToSend(limit: number, skip?: ReadonlySet<string>): ChunkToSend[];
  /** The frame that carries a chunk (`encodeChunkFrame` of its sealed bytes), sealed again from its source. */
  chunkFrame(generation: number, address: Uint8Array): Promise<Uint8Array>;
  /** The hub holds these chunks: never send them again for this generation. */
  markAcknowledged(generation: number, addresses: readonly Uint8Array[]): number;
  /**
   * The hub's last `missing` answer no longer holds (the connection was cut: acknowledgements may
   * have been lost with it): nothing goes until the hub answers the manifest announced again.
   */
  forgetWanted(): void;
  /**
   * Whether the chunk is still to go: the hub's latest `missing` names it and no acknowledgement of
   * it has come (one sealed ahead of its turn may have been answered meanwhile).
   */
  isWanted(generation: number, address: Uint8Array): boolean;
  markSent(generation: number, bytes: number): void;
  markStatus(status: OffsiteStatus): StatusOutcome;
  /**
   * Gives up a generation being sent whose source is gone (a scan purged before it went): it can
   * never complete. Returns whether it was still being sent (and so wants packing again).
   */
  abandon(generation: number, reason: string): boolean;
  lastStored(): StoredGeneration | undefined;
  /** The transfer under way, for /metrics: bytes sent and chunks still to send. */
  transfer():
    | { readonly generation: number; readonly sentBytes: number; readonly chunksWaiting: number }
    | undefined;
  /** Whether the newest generation was refused as stale: pack again at once, under a higher number. */
  isBehindHub(): boolean;
  /** Removes the snapshots no generation being sent needs any more. */
  prune(): Promise<void>;
}

/** Builds the off-site backup service of a node. */
export function createOffsiteBackups(deps: OffsiteDeps): OffsiteBackups {
  const { db } = deps.store;
  const now = deps.now ?? (() => new Date());
  let packing: Promise<PackResult> | undefined;
  let sources: ({ readonly generation: number } & GenerationSources) | undefined;
  // Bytes sent are counted in memory and written with the next acknowledgement or status, in its
  // transaction: a commit of their own per chunk was a flush to disk per chunk. A gauge, so the
  // bytes of frames sent just before a crash may go uncounted.
  const sentNotWritten = new Map<number, number>();
  const writeSentBytes = () => {
    const add = db.prepare('UPDATE offsite_generations SET sent_bytes = sent_bytes + ? WHERE generation = ?');
    for (const [generation, bytes] of sentNotWritten) add.run(bytes, generation);
    sentNotWritten.clear();
  };
  return {
    policy: () => readPolicy(db),
    setPolicy: (policy) => applyOffsitePolicy(db, policy, now()),
    // One pack at a time (the nightly job, a repack after a stale refusal): a second caller gets
    // the generation already being packed, rather than a clash over its number and snapshot.
    pack() {
      packing ??= pack(deps, now()).finally(() => {
        packing = undefined;
      });
      return packing;
    },
    manifestToSend: () => newestIn(db, ['packed', 'sending'])?.manifest,
    nextChunksToSend(limit, skip = new Set()) {
      const sending = newestSendingNumber(db);
      if (sending === undefined) return [];
      const rows = db
        .prepare(
          `SELECT address, length FROM offsite_chunks
            WHERE generation = ? AND wanted = 1 AND acked_at IS NULL ORDER BY rowid LIMIT ?`,
        )
        .all(sending, limit + skip.size) as Array<{ address: Uint8Array; length: number }>;
      return rows
        .filter((row) => !skip.has(Buffer.from(row.address).toString('hex')))
        .slice(0, limit)
        .map((row) => ({ generation: sending, address: row.address, length: row.length }));
    },
    async chunkFrame(generation, address) {
      // Read once per generation, not per chunk: its row carries the manifest, megabytes for a
      // mission of 100,000 files, and what a chunk needs of it never changes once packed.
      if (sources?.generation !== generation) {
        const row = readGeneration(db, generation);
        sources = row && {
          generation,
          innerManifest: row.innerManifest,
          readSnapshot: createBlockReader(row.snapshot),
        };
      }
      const row = sources;
      const chunk = db
        .prepare(
          'SELECT source, file, "offset", length, nonce FROM offsite_chunks WHERE generation = ? AND address = ?',
        )
        .get(generation, address) as (ChunkSource & { nonce: Uint8Array | null }) | undefined;
      if (!row || !chunk) {
        throw new OffsiteError(OffsiteErrorCode.SourceGone, `generation ${generation} has no such chunk`);
      }
      return resealChunkFrame(row, { ...chunk, address }, deps.dirs.documents, deps.store.keys);
    },
    markAcknowledged(generation, addresses) {
      const at = now().toISOString();
      const update = db.prepare(
        'UPDATE offsite_chunks SET acked_at = ? WHERE generation = ? AND address = ? AND acked_at IS NULL',
      );
      // Not waited on the disk for: an acknowledgement lost at a power cut is learnt again when the
      // hub answers the manifest with what it still lacks, which that chunk is not.
      return unsyncedTransaction(db, () => {
        writeSentBytes();
        return addresses.reduce((n, address) => n + update.run(at, generation, address).changes, 0);
      });
    },
    forgetWanted() {
      db.prepare('UPDATE offsite_chunks SET wanted = 0 WHERE wanted = 1').run();
    },
    isWanted(generation, address) {
      const wanted = db
        .prepare(
          'SELECT wanted = 1 AND acked_at IS NULL FROM offsite_chunks WHERE generation = ? AND address = ?',
        )
        .pluck()
        .get(generation, address) as number | undefined;
      // A chunk no longer listed belongs to a generation stored or superseded: nothing to send.
      return wanted === 1;
    },
    markSent(generation, bytes) {
      sentNotWritten.set(generation, (sentNotWritten.get(generation) ?? 0) + bytes);
    },
    markStatus: (status) =>
      transaction(db, () => {
        writeSentBytes();
        return applyOffsiteStatus(db, status, now());
      }),
    abandon(generation, reason) {
      return (
        db
          .prepare(
            `UPDATE offsite_generations SET state = 'refused', refused_reason = ?, completed_at = ?
              WHERE generation = ? AND state IN ('packed', 'sending')`,
          )
          .run(reason, now().toISOString(), generation).changes === 1
      );
    },
    lastStored() {
      const row = newestIn(db, ['stored']);
      if (!row || row.completedAt === null) return undefined;
      return {
        generation: row.generation,
        completedAt: row.completedAt,
        bytes: row.storedBytes ?? row.bytes,
      };
    },
    transfer() {
      const row = newestIn(db, ['packed', 'sending']);
      if (!row) return undefined;
      const chunksWaiting = db
        .prepare(
          'SELECT count(*) FROM offsite_chunks WHERE generation = ? AND wanted = 1 AND acked_at IS NULL',
        )
        .pluck()
        .get(row.generation) as number;
      return { generation: row.generation, sentBytes: row.sentBytes, chunksWaiting };
    },
    isBehindHub() {
      const newest = db
        .prepare('SELECT refused_reason FROM offsite_generations ORDER BY generation DESC LIMIT 1')
        .pluck()
        .get() as string | null | undefined;
      return newest === 'stale_generation';
    },
    async prune() {
      const done = await pruneSnapshots(deps);
      // A generation done is not read again: its sources go too, with the block of its snapshot
      // held in memory.
      if (sources && done.includes(sources.generation)) sources = undefined;
    },
  };
}

async function pack(deps: OffsiteDeps, at: Date): Promise<PackResult> {
  const { db } = deps.store;
  const policy = readPolicy(db);
  if (!policy) {
    throw new OffsiteError(
      OffsiteErrorCode.NoPolicy,
      'the hub has sent no off-site policy yet: nothing to seal to',
    );
  }
  await mkdir(deps.dirs.backups, { recursive: true, mode: 0o700 });
  const current = deps.currentIdentity
    ? await deps.currentIdentity()
    : { identity: deps.identity, keyFile: deps.identityKeyFile };
  const generation = lastGeneration(db) + 1;
  const packed = await packGeneration({
    store: deps.store,
    generation,
    dataKey: deps.dataKey,
    identity: current.identity,
    identityKeyFile: current.keyFile,
    ...(deps.nodeConfig === undefined ? {} : { nodeConfig: deps.nodeConfig }),
    ...(deps.siteDir === undefined ? {} : { siteFiles: await readSiteFiles(deps.siteDir) }),
    policy,
    backupsDir: deps.dirs.backups,
    documentsDir: deps.dirs.documents,
    now: at,
  });
  const superseded = transaction(db, () => {
    // A generation not yet sent whole is superseded: the new one holds all it held, and more.
    const older = unsentBefore(db, generation);
    for (const row of older)
      db.prepare('DELETE FROM offsite_generations WHERE generation = ?').run(row.generation);
    insertGeneration(
      db,
      { ...packed, createdAt: packed.manifest.createdAt, bytes: packed.manifest.bytes },
      packed.chunks,
    );
    return older;
  });
  for (const row of superseded) await removeSnapshot(row.snapshot);
  await pruneSnapshots(deps);
  return { generation, chunks: packed.chunks.size, bytes: packed.manifest.bytes, manifest: packed.manifest };
}

/**
 * Once the hub holds a generation whole, its snapshot and its chunk rows are no longer needed: the
 * next generation is cut from a snapshot of its own. The generation's row (its manifest) stays.
 */
async function pruneSnapshots(deps: OffsiteDeps): Promise<number[]> {
  const { db } = deps.store;
  const done = db
    .prepare(`SELECT generation, snapshot FROM offsite_generations WHERE state IN ('stored', 'refused')`)
    .all() as Array<{ generation: number; snapshot: string }>;
  for (const row of done) {
    await removeSnapshot(row.snapshot);
    db.prepare('DELETE FROM offsite_chunks WHERE generation = ?').run(row.generation);
  }
  return done.map((row) => row.generation);
}
