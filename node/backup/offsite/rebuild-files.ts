import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { type OffsiteManifest, splitAddresses, toHex } from '../../../protocol/index.js';
import { documentsDirIn } from '../../services/files/scan-files.js';
import type { ChunkKeys } from './chunk-cipher.js';
import { OffsiteError, OffsiteErrorCode } from './errors.js';
import { type FetchChunk, fetchAndOpen } from './fetch-chunks.js';
import { decodeInnerManifest, type InnerManifest } from './inner-manifest.js';

/**
 * Chunks fetched ahead of the one being written: a restore over a long link waits for one round
 * trip per few chunks instead of one per chunk (19,000 chunks for a mission of 100,000 files).
 */
const FETCH_AHEAD = 8;

/** How far a restore from the hub has gone, in chunks fetched. */
export interface OffsiteProgress {
  readonly phase: 'fetch';
  readonly done: number;
  readonly total: number;
}

/** What rebuilding a generation needs. */
export interface RebuildInput {
  readonly manifest: OffsiteManifest;
  readonly keys: ChunkKeys;
  readonly fetchChunk: FetchChunk;
  /** An empty folder: `mission.sqlite` and `documents/` are written in it. */
  readonly into: string;
  readonly onProgress?: (progress: OffsiteProgress) => void;
}

/** Rebuilds the database and the scans of a generation; returns its inner manifest. */
export async function rebuildGeneration(input: RebuildInput): Promise<InnerManifest> {
  const named = new Set(splitAddresses(input.manifest.chunks).map(toHex));
  const total = named.size;
  let done = 0;
  const fetch = async (address: Uint8Array) => {
    const plain = await fetchAndOpen(input.fetchChunk, address, input.keys);
    input.onProgress?.({ phase: 'fetch', done: Math.min(++done, total), total });
    return plain;
  };
  const parts: Uint8Array[] = [];
  for (const address of splitAddresses(input.manifest.manifestChunks)) parts.push(await fetch(address));
  const inner = decodeInnerManifest(Buffer.concat(parts));
  assertAgrees(inner, input.manifest, named);
  const documents = documentsDirIn(input.into);
  await mkdir(documents, { recursive: true, mode: 0o700 });
  const files = [
    { path: join(input.into, 'mission.sqlite'), file: inner.database },
    ...inner.scans.map((scan) => ({ path: join(documents, scan.name), file: scan })),
  ];
  const pieces = fetchedInOrder(
    files.flatMap(({ file }) => splitAddresses(file.chunks)),
    fetch,
  );
  for (const { path, file } of files) await writeFile(path, file, pieces);
  return inner;
}

/**
 * The chunks' plaintexts in order, with up to FETCH_AHEAD fetched at once. A fetch that fails
 * throws when its turn comes, not before (nor unhandled meanwhile).
 */
function fetchedInOrder(
  addresses: readonly Uint8Array[],
  fetch: (address: Uint8Array) => Promise<Uint8Array>,
): () => Promise<Uint8Array> {
  const ahead: Promise<Uint8Array>[] = [];
  let next = 0;
  const fill = () => {
    while (next < addresses.length && ahead.length < FETCH_AHEAD) {
      const address = addresses[next++] as Uint8Array;
      const piece = fetch(address);
      piece.catch(() => undefined);
      ahead.push(piece);
    }
  };
  return () => {
    fill();
    // The one returned stays in flight until written: it counts among the FETCH_AHEAD.
    const piece = ahead.shift();
    return piece ?? Promise.reject(new RangeError('no chunk left to fetch'));
  };
}

// The signed manifest is what the restorer trusts; the inner one must name nothing it does not.
function assertAgrees(inner: InnerManifest, manifest: OffsiteManifest, named: ReadonlySet<string>): void {
  const agrees =
    inner.missionId === manifest.missionId &&
    inner.generation === manifest.generation &&
    [inner.database, ...inner.scans].every((file) =>
      splitAddresses(file.chunks).every((a) => named.has(toHex(a))),
    );
  if (!agrees) {
    throw new OffsiteError(
      OffsiteErrorCode.ManifestMalformed,
      `the inner manifest of generation ${manifest.generation} disagrees with the signed one`,
    );
  }
}

async function writeFile(
  path: string,
  file: { readonly bytes: number; readonly chunks: string },
  nextPiece: () => Promise<Uint8Array>,
): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  let written = 0;
  try {
    for (let count = splitAddresses(file.chunks).length; count > 0; count--) {
      const plain = await nextPiece();
      await handle.write(plain, 0, plain.length, written);
      written += plain.length;
    }
    if (written !== file.bytes) {
      throw new OffsiteError(
        OffsiteErrorCode.ManifestMalformed,
        `${path}: ${written} bytes rebuilt, ${file.bytes} expected`,
      );
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}
