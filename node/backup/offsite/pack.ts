import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  chunkAddress,
  fromBase64Url,
  type Identity,
  joinAddresses,
  type OffsiteManifest,
  type OffsitePolicy,
  signOffsiteManifest,
  toHex,
} from '../../../protocol/index.js';
import type { Store } from '../../db/store.js';
import { SCAN_NAME } from '../../services/files/scan-files.js';
import { CHUNK_OVERHEAD, chunkNonce, sealChunk } from './chunk-cipher.js';
import { encodeInnerManifest, type InnerManifest, PIECE_BYTES } from './inner-manifest.js';
import { sealGenerationKeys } from './key-envelope.js';
import type { ChunkSource } from './offsite-store.js';
import { cutBytes, type Piece, readPieces } from './pieces.js';
import type { SiteFile } from './site-files.js';
import { snapshotPath, takeSnapshot } from './snapshot.js';

/** What packing a generation needs. */
export interface PackInput {
  readonly store: Store;
  readonly generation: number;
  /** The mission's data key and the text of its identity key file: they go in the key envelope. */
  readonly dataKey: Uint8Array;
  readonly identity: Identity;
  readonly identityKeyFile: string;
  /** The node's config as JSON text, sealed with the keys (key-envelope.ts). */
  readonly nodeConfig?: string;
  /** The HTTPS authority and certificate, sealed with the keys (site-files.ts). */
  readonly siteFiles?: Partial<Record<SiteFile, string>>;
  readonly policy: OffsitePolicy;
  /** The node's backups folder: the snapshot is written there, on the node's own disk. */
  readonly backupsDir: string;
  /** The scans' folder (node/services/files/scan-files.ts documentsDir). */
  readonly documentsDir: string;
  readonly now: Date;
}

/** A chunk of a packed generation: its address, its nonce and where its plaintext is. */
export type PackedChunk = { readonly address: Uint8Array; readonly nonce: Uint8Array } & ChunkSource;

/** A packed generation, ready to be recorded and announced. */
export interface PackedGeneration {
  readonly manifest: OffsiteManifest;
  readonly innerManifest: Uint8Array;
  readonly snapshot: string;
  /** Every distinct chunk, by hex address. */
  readonly chunks: ReadonlyMap<string, PackedChunk>;
}

// Seal this many pieces, then let the event loop turn: the node keeps answering while 1 GB packs.
const PIECES_PER_TURN = 16;

/**
 * Packs one generation: a snapshot of the database cut in 16 KiB pieces, each scan in 1 MiB
 * pieces, every piece sealed; the inner manifest (which file is which chunks) sealed and cut the
 * same way; the keys sealed to the recovery key; the whole signed by the mission. Nothing is kept
 * but the snapshot: a chunk is sealed again from its source when it is sent.
 */
export async function packGeneration(input: PackInput): Promise<PackedGeneration> {
  const snapshot = snapshotPath(input.backupsDir, input.generation);
  await takeSnapshot(input.store.db, snapshot);
  const chunks = new Map<string, PackedChunk>();
  const keep = (source: Omit<ChunkSource, 'offset' | 'length'>) => (piece: Piece) => {
    const sealed = sealChunk(piece.bytes, input.store.keys);
    const address = chunkAddress(sealed);
    const hex = toHex(address);
    // A piece met twice (two empty pages) is one chunk: the first source serves both. The nonce is
    // copied out so that the sealed piece (a megabyte for a scan) is not held with it.
    if (!chunks.has(hex)) {
      const nonce = new Uint8Array(chunkNonce(sealed));
      chunks.set(hex, { address, nonce, ...source, offset: piece.offset, length: piece.bytes.length });
    }
    return address;
  };
  const database = await cutFile(snapshot, PIECE_BYTES.database, keep({ source: 'database', file: null }));
  const scans: InnerManifest['scans'] = [];
  for (const name of await scanNames(input.documentsDir)) {
    const file = await cutFile(
      join(input.documentsDir, name),
      PIECE_BYTES.scan,
      keep({ source: 'scan', file: name }),
    );
    scans.push({ name, ...file });
  }
  const createdAt = input.now.toISOString();
  const inner: InnerManifest = {
    version: 1,
    missionId: input.identity.partyId,
    generation: input.generation,
    createdAt,
    database,
    scans,
  };
  const innerManifest = encodeInnerManifest(inner);
  const manifestChunks = cutBytes(innerManifest, PIECE_BYTES.manifest).map(
    keep({ source: 'manifest', file: null }),
  );
  const manifest = signOffsiteManifest(
    {
      missionId: input.identity.partyId,
      generation: input.generation,
      createdAt,
      recoveryKeyId: input.policy.recoveryKeyId,
      keyEnvelope: sealGenerationKeys(
        {
          missionId: input.identity.partyId,
          generation: input.generation,
          dataKey: input.dataKey,
          identityKeyFile: input.identityKeyFile,
          ...(input.nodeConfig === undefined ? {} : { nodeConfig: input.nodeConfig }),
          ...(input.siteFiles === undefined ? {} : { siteFiles: input.siteFiles }),
        },
        fromBase64Url(input.policy.recoveryKey, 32),
      ),
      manifestChunks: joinAddresses(manifestChunks),
      chunks: joinAddresses([...chunks.values()].map((chunk) => chunk.address)),
      bytes: sealedBytes(chunks),
    },
    input.identity,
  );
  return { manifest, innerManifest, snapshot, chunks };
}

async function cutFile(
  path: string,
  size: number,
  keep: (piece: Piece) => Uint8Array,
): Promise<{ bytes: number; chunks: string }> {
  const addresses: Uint8Array[] = [];
  let bytes = 0;
  for await (const piece of readPieces(path, size)) {
    addresses.push(keep(piece));
    bytes += piece.bytes.length;
    if (addresses.length % PIECES_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return { bytes, chunks: joinAddresses(addresses) };
}

async function scanNames(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  return names.filter((name) => SCAN_NAME.test(name)).sort();
}

function sealedBytes(chunks: ReadonlyMap<string, PackedChunk>): number {
  let total = 0;
  for (const chunk of chunks.values()) total += chunk.length + CHUNK_OVERHEAD;
  return total;
}
