import { join } from 'node:path';
import { type OffsiteConfig, offsiteSettingsOf } from '../../hub/services/offsite/offsite-settings.js';
import { readChunk, readManifest } from '../../hub/services/offsite/restore-reads.js';
import { createOffsiteBackups, type OffsiteBackups } from '../../node/backup/offsite/offsite-service.js';
import { restoreFromOffsite } from '../../node/backup/offsite/restore-offsite.js';
import { OFFSITE_WINDOW_WIDEST } from '../../node/backup/offsite/send-window.js';
import type { HubLink } from '../../node/link/hub-connection.js';
import { createOffsiteLink, liveBacklog, type OffsiteLink } from '../../node/link/offsite-attachment.js';
import { seedCatalogue } from '../../node/services/catalogue/seed.js';
import { documentsDirIn } from '../../node/services/files/scan-files.js';
import { OFFSITE_STATUS, ready, recoveryKeyId, sodium, toBase64Url } from '../../protocol/index.js';
import { cpuSecondsOf, cpuSecondsOfCommand, cpuSecondsSince, startChildServer } from './_child.js';
import { addScans, benchServices, createFiles } from './_offsite-mission.js';
import { type RawRound, rawQos1Seconds, rawQos1SecondsToChild } from './_raw-qos1.js';
import { type BenchMission, enrolBenchMission, openBenchPair, until } from './link-pair.js';
import { figure, median } from './measure.js';

/** The mission: 100,000 files and 1 GB of scans; smaller with `--files` and `--scan-mb`. */
export interface OffsiteBenchSizes {
  readonly files?: number;
  readonly scanMb?: number;
}

const CHANGES = 1_000;
/** The policy's pace: the bench measures what the path can do, not the default throttle. */
const RATE = 1_000_000_000;
const RAW_ROUNDS = 3;

interface Generation {
  readonly generation: number;
  readonly packSeconds: number;
  readonly transferSeconds: number;
  /** Sealed bytes the generation names, and those that travelled (new at the hub). */
  readonly bytes: number;
  readonly sentBytes: number;
  readonly sentChunks: number;
  /**
   * CPU seconds spent from the announcement until stored: this process; the hub's when apart; and
   * the local PostgreSQL server's processes (every database's: run on a quiet server).
   */
  readonly cpu: { readonly here: number; readonly hub?: number; readonly postgres?: number };
}

async function hubChunks(pair: BenchMission): Promise<{ bytes: number; chunks: number }> {
  const [row] = await pair.db.query<{ bytes: string | number; chunks: string | number }>(
    'SELECT coalesce(sum(octet_length(data)), 0) AS bytes, count(*) AS chunks FROM offsite_chunks WHERE mission_id = $1',
    [pair.mission.partyId],
  );
  return { bytes: Number(row?.bytes ?? 0), chunks: Number(row?.chunks ?? 0) };
}

/** Packs a generation and sends it as the node does: announced on the link, chunks as the hub names them. */
async function sendGeneration(
  pair: BenchMission,
  offsite: OffsiteBackups,
  link: OffsiteLink,
  hubPid: number | undefined,
): Promise<Generation> {
  await until(() => liveBacklog(pair.store) === 0);
  const before = await hubChunks(pair);
  const start = process.hrtime.bigint();
  const packed = await offsite.pack();
  const packedAt = process.hrtime.bigint();
  const cpuHub = hubPid === undefined ? undefined : await cpuSecondsOf(hubPid);
  const cpuPostgres = hubPid === undefined ? undefined : await cpuSecondsOfCommand('postgres');
  // Timed from here: reading /proc above is the bench's work, not the transfer's.
  const announcedAt = process.hrtime.bigint();
  const cpuHere = process.cpuUsage();
  link.sender.announce();
  await until(() => offsite.lastStored()?.generation === packed.generation);
  const storedAt = process.hrtime.bigint();
  const usedHere = cpuSecondsSince(cpuHere);
  const postgresNow = cpuPostgres === undefined ? undefined : await cpuSecondsOfCommand('postgres');
  const cpu = {
    here: usedHere,
    ...(hubPid === undefined || cpuHub === undefined ? {} : { hub: (await cpuSecondsOf(hubPid)) - cpuHub }),
    ...(cpuPostgres === undefined || postgresNow === undefined
      ? {}
      : { postgres: postgresNow - cpuPostgres }),
  };
  const after = await hubChunks(pair);
  return {
    generation: packed.generation,
    packSeconds: Number(packedAt - start) / 1e9,
    transferSeconds: Number(storedAt - announcedAt) / 1e9,
    bytes: packed.bytes,
    sentBytes: after.bytes - before.bytes,
    sentChunks: after.chunks - before.chunks,
    cpu,
  };
}

async function chunkSizes(pair: BenchMission): Promise<number[]> {
  const rows = await pair.db.query<{ n: number }>(
    'SELECT octet_length(data) AS n FROM offsite_chunks WHERE mission_id = $1',
    [pair.mission.partyId],
  );
  return rows.map((row) => Number(row.n));
}

/** Seconds to rebuild the mission in a new directory from the hub's newest generation. */
async function restoreSeconds(
  pair: BenchMission,
  generation: number,
  recovery: RecoveryPair,
): Promise<number> {
  const missionId = pair.mission.partyId;
  const held = await readManifest(pair.db, missionId, generation);
  if (!held) throw new Error(`the hub holds no generation ${generation}`);
  const start = process.hrtime.bigint();
  await restoreFromOffsite({
    fetchChunk: (address) => readChunk(pair.db, missionId, address),
    manifest: held.manifest,
    expectedMissionId: missionId,
    recoveryPublicKey: recovery.publicKey,
    recoverySecretKey: recovery.privateKey,
    dir: join(pair.dir, 'restored'),
  });
  return Number(process.hrtime.bigint() - start) / 1e9;
}

type RecoveryPair = { readonly publicKey: Uint8Array; readonly privateKey: Uint8Array };

const mbps = (bytes: number, seconds: number) => `${(bytes / seconds / 1e6).toFixed(1)} MB/s`;

/**
 * The mission's side here and the hub's where it would run: with PostgreSQL, the broker and the
 * hub's ingest link in a process of their own (ops/bench/_offsite-hub.ts), as deployed; with PGlite,
 * which one process holds in memory, everything in this one.
 */
async function openOffsitePair(
  database: string | undefined,
  config: OffsiteConfig,
): Promise<{ pair: BenchMission; placement: string; hubPid?: number }> {
  if (!database) {
    const settings = offsiteSettingsOf(config);
    const pair = await openBenchPair(undefined, settings ? { offsite: settings } : {});
    return { pair, placement: 'hub on PGlite in this process' };
  }
  let url = '';
  const side = await enrolBenchMission(database, () => url);
  const hub = await startChildServer(['--import', 'tsx', 'ops/bench/_offsite-hub.ts'], 120_000, {
    ...process.env,
    BENCH_DATABASE_URL: database,
    BENCH_HUB_SECRET: side.hub.exportSecret(),
    BENCH_OFFSITE: JSON.stringify(config),
  });
  url = hub.url;
  const pair: BenchMission = {
    ...side,
    async close() {
      await hub.stop();
      await side.close();
    },
  };
  return { pair, placement: 'hub on PostgreSQL in its own process', hubPid: hub.pid };
}

/**
 * First off-site generation of a mission through the embedded broker to the hub's chunk path,
 * against raw QoS 1 of the same frames in the same run; the increment after CHANGES new files; and
 * a full restore from what the hub holds.
 */
export async function benchOffsite(sizes: OffsiteBenchSizes): Promise<void> {
  await ready();
  const fileCount = sizes.files ?? 100_000;
  const scanMb = sizes.scanMb ?? 1_000;
  const database = process.env.DATABASE_URL;
  const recovery = sodium.crypto_box_keypair();
  const config = {
    recoveryPublicKey: toBase64Url(recovery.publicKey),
    maxBytesPerSecond: RATE,
    keep: { daily: 7, weekly: 4, monthly: 6 },
    maxGenerationBytes: 100_000_000_000,
    maxGenerationChunks: 10_000_000,
  };
  const { pair, placement, hubPid } = await openOffsitePair(database, config);
  seedCatalogue(pair.store);
  const seeding = process.hrtime.bigint();
  const fileIds = createFiles(pair.store, fileCount, 0);
  const scans = await addScans(benchServices(pair.store).files, fileIds, scanMb * 1_000_000);
  console.log(
    `offsite: a mission with ${figure(fileCount)} files and ${figure(scans)} scans (${figure(scanMb)} MB), ` +
      `${placement}; written in ${(Number(process.hrtime.bigint() - seeding) / 1e9).toFixed(1)} s`,
  );
  const offsite = createOffsiteBackups({
    store: pair.store,
    dataKey: pair.dataKey,
    identity: pair.mission,
    identityKeyFile: pair.mission.exportSecret(),
    dirs: { backups: join(pair.dir, 'backups'), documents: documentsDirIn(pair.dir) },
  });
  let link: HubLink | undefined;
  const offsiteLink = createOffsiteLink({
    store: pair.store,
    offsite,
    missionId: pair.mission.partyId,
    kick: () => link?.kick(),
    log: { error: (error, message) => console.error(message, error), warn: () => {} },
  });
  link = pair.startLink(pair.store, {
    attachments: [offsiteLink.attachment],
    onApplied: (type) => {
      if (type === OFFSITE_STATUS) offsiteLink.statusApplied();
    },
  });
  // The policy the hub's nightly job sends to each mission (hub/services/offsite/send-policy.ts).
  offsite.setPolicy({
    recoveryKey: toBase64Url(recovery.publicKey),
    recoveryKeyId: recoveryKeyId(recovery.publicKey),
    maxBytesPerSecond: RATE,
    issuedAt: new Date().toISOString(),
  });
  const first = await sendGeneration(pair, offsite, offsiteLink, hubPid);
  const sizesSent = await chunkSizes(pair);
  const rounds: RawRound[] = [];
  for (let round = 0; round < RAW_ROUNDS; round++)
    rounds.push(
      database
        ? await rawQos1SecondsToChild(pair, database, sizesSent, OFFSITE_WINDOW_WIDEST)
        : await rawQos1Seconds(pair, sizesSent, OFFSITE_WINDOW_WIDEST),
    );
  const raw = rounds.map((round) => round.seconds);
  createFiles(pair.store, CHANGES, fileCount);
  const increment = await sendGeneration(pair, offsite, offsiteLink, hubPid);
  await link.stop();
  await offsiteLink.sender.stop();
  const restore = await restoreSeconds(pair, increment.generation, recovery);
  pair.store.close();
  await pair.close();

  const rawMedian = median(raw);
  console.log(
    `first generation: ${figure(first.sentChunks)} chunks, ${figure(first.sentBytes)} B sent ` +
      `(${figure(first.bytes)} B in the manifest); packed in ${first.packSeconds.toFixed(2)} s, ` +
      `sent and stored in ${first.transferSeconds.toFixed(2)} s: ${mbps(first.sentBytes, first.transferSeconds)}`,
  );
  // Where the transfer's time goes: a process near its wall time is the one that bounds it.
  console.log(
    first.cpu.hub === undefined
      ? `CPU during the transfer: ${first.cpu.here.toFixed(2)} s (node, broker, hub and PGlite in this process)`
      : `CPU during the transfer: the node's process ${first.cpu.here.toFixed(2)} s, ` +
          `the hub's (with the broker) ${first.cpu.hub.toFixed(2)} s` +
          (first.cpu.postgres === undefined ? '' : `, PostgreSQL's ${first.cpu.postgres.toFixed(2)} s`) +
          ` (${((first.cpu.here + first.cpu.hub + (first.cpu.postgres ?? 0)) / first.transferSeconds).toFixed(2)} cores busy on average)`,
  );
  console.log(
    `raw QoS 1, the same ${figure(sizesSent.length)} frames, window ${OFFSITE_WINDOW_WIDEST.frames} frames or ${figure(OFFSITE_WINDOW_WIDEST.bytes)} B (the sender's widest): median ${rawMedian.toFixed(2)} s ` +
      `(rounds: ${raw.map((s) => s.toFixed(2)).join(', ')}): ${mbps(first.sentBytes, rawMedian)}; ` +
      `CPU median ${median(rounds.map((round) => round.cpuSeconds)).toFixed(2)} s (publisher, broker and subscriber)`,
  );
  console.log(
    `ratio to raw: transfer ${(rawMedian / first.transferSeconds).toFixed(2)}, ` +
      `packing included ${(rawMedian / (first.packSeconds + first.transferSeconds)).toFixed(2)} (target ≥ 0.50)`,
  );
  console.log(
    `increment after ${figure(CHANGES)} new files: ${figure(increment.sentChunks)} chunks, ${figure(increment.sentBytes)} B ` +
      `= ${((100 * increment.sentBytes) / first.sentBytes).toFixed(2)} % of the first (target ≤ 5 %); ` +
      `packed in ${increment.packSeconds.toFixed(2)} s, sent in ${increment.transferSeconds.toFixed(2)} s`,
  );
  console.log(
    `full restore from the hub (generation ${increment.generation}): ${restore.toFixed(2)} s (target ≤ 120 s on 2 cores)`,
  );
}
