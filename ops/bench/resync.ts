import { join } from 'node:path';
import { createBackup } from '../../node/backup/backup.js';
import { restoreBackup } from '../../node/backup/restore.js';
import { openStore, type Store } from '../../node/db/store.js';
import { transaction } from '../../node/db/transaction.js';
import { seedCatalogue } from '../../node/services/catalogue/seed.js';
import { appendEvent, outboxBacklog } from '../../node/services/outbox/outbox.js';
import { ready } from '../../protocol/index.js';
import { counterWork } from './_counter-work.js';
import { type BenchPair, hubEventCount, openBenchPair, sampleEvent, until } from './link-pair.js';
import { figure, median } from './measure.js';

const EACH_SIDE = 10_000;
/** Events of one applicant served at the counter (ops/bench/_counter-work.ts). */
const EVENTS_PER_APPLICANT = 5;
const ROUNDS = 3;

/** EACH_SIDE events of real records (applicants, files, invoices, payments) in the node's outbox. */
function serve(store: Store, from: number): void {
  counterWork(store, EACH_SIDE / EVENTS_PER_APPLICANT, from);
  const queued = outboxBacklog(store).count;
  if (queued < EACH_SIDE) throw new Error(`counter work queued ${queued} events, not ${EACH_SIDE}`);
}

function restoredRecords(store: Store): number {
  return (
    store.db.prepare(`SELECT count(*) AS n FROM recovered_events WHERE outcome = 'restored'`).get() as {
      n: number;
    }
  ).n;
}

function queue(store: Store, count: number, from: number): void {
  transaction(store.db, () => {
    for (let i = from; i < from + count; i++) appendEvent(store, sampleEvent(i));
  });
}

function recoveredCount(store: Store): number {
  return (store.db.prepare('SELECT count(*) AS n FROM recovered_events').get() as { n: number }).n;
}

/**
 * Baseline: EACH_SIDE events of real records queued at the node (with their sealed copies), then
 * the link connects; seconds until all are at the hub.
 */
async function catchUpSeconds(database: string | undefined): Promise<number> {
  const pair = await openBenchPair(database);
  seedCatalogue(pair.store);
  serve(pair.store, 0);
  const start = process.hrtime.bigint();
  const link = pair.startLink(pair.store);
  await until(async () => (await hubEventCount(pair)) >= EACH_SIDE && outboxBacklog(pair.store).count === 0);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await link.stop();
  pair.store.close();
  await pair.close();
  return seconds;
}

/**
 * The node serves applicants for EACH_SIDE events after its nightly backup, loses its disk and is
 * restored from that backup, then writes EACH_SIDE new events before its link comes back. Seconds
 * from the link's start until the hub holds all of them once, the node's outbox is delivered, and
 * the node holds the EACH_SIDE events it lost as recovered with their records put back.
 */
async function resyncSeconds(database: string | undefined): Promise<{ seconds: number; records: number }> {
  const pair: BenchPair = await openBenchPair(database);
  seedCatalogue(pair.store);
  const backup = await createBackup({ store: pair.store, out: join(pair.dir, 'backups'), workDir: pair.dir });
  serve(pair.store, 0);
  let link = pair.startLink(pair.store);
  await until(async () => (await hubEventCount(pair)) >= EACH_SIDE && outboxBacklog(pair.store).count === 0);
  await link.stop();
  pair.store.close();
  await restoreBackup({ from: backup.file, dataKey: pair.dataKey, dir: pair.dir, force: true });
  const restored = await openStore({ path: pair.storePath, dataKey: pair.dataKey });
  queue(restored, EACH_SIDE, EACH_SIDE);
  const start = process.hrtime.bigint();
  link = pair.startLink(restored);
  await until(
    async () =>
      (await hubEventCount(pair)) >= 2 * EACH_SIDE &&
      outboxBacklog(restored).count === 0 &&
      recoveredCount(restored) >= EACH_SIDE,
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const records = restoredRecords(restored);
  await link.stop();
  restored.close();
  await pair.close();
  return { seconds, records };
}

/** Resynchronisation after a restore, against a plain catch-up of one side's events in the same run. */
export async function benchResync(): Promise<void> {
  await ready();
  const database = process.env.DATABASE_URL;
  console.log(
    `resync: a node restored from its backup, ${figure(EACH_SIDE)} events of real records lost at the node and held at the hub, ` +
      `${figure(EACH_SIDE)} new at the node (${database ? 'PostgreSQL' : 'PGlite'}), ${ROUNDS} rounds, ` +
      'alternated with a plain catch-up of the lost side',
  );
  const resync: number[] = [];
  const catchUp: number[] = [];
  let records = 0;
  for (let round = 0; round < ROUNDS; round++) {
    catchUp.push(await catchUpSeconds(database));
    const outcome = await resyncSeconds(database);
    resync.push(outcome.seconds);
    records = outcome.records;
  }
  const seconds = (values: number[]) => values.map((value) => value.toFixed(2)).join(', ');
  console.log(
    `catch-up of ${figure(EACH_SIDE)}: median ${median(catchUp).toFixed(2)} s (rounds: ${seconds(catchUp)})`,
  );
  console.log(
    `resync to convergence: median ${median(resync).toFixed(2)} s (rounds: ${seconds(resync)}; target ≤ 10 s), ` +
      `${(median(resync) / median(catchUp)).toFixed(2)}× the catch-up; ${figure(records)} lost events' records put back`,
  );
}
