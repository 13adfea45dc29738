import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../node/db/store.js';
import { seedCatalogue } from '../../node/services/catalogue/seed.js';
import { readBatch } from '../../node/services/outbox/outbox.js';
import {
  type CopiedRecord,
  copyRecords,
  openRecordCopies,
  sealRecordCopies,
} from '../../node/services/recovery/record-copies.js';
import { restoreRecords } from '../../node/services/recovery/restore-records.js';
import { HUB_ID, Identity, type MissionEvent, ready, seal, sodium } from '../../protocol/index.js';
import { counterWork } from './_counter-work.js';
import { figure, median } from './measure.js';

const APPLICANTS = 2_000;
const ROUNDS = 5;
/** The node's own batch bounds (node/context.ts). */
const BATCH = { limit: 500, maxBytes: 256 * 1024 };

/** The outbox as the link reads it, batch after batch. */
function batches(store: Store): MissionEvent[][] {
  const out: MissionEvent[][] = [];
  let afterSeq = 0;
  for (;;) {
    const items = readBatch(store, { ...BATCH, afterSeq });
    const last = items.at(-1);
    if (!last) return out;
    out.push(items.map((item) => item.event));
    afterSeq = last.seq;
  }
}

/**
 * The cost of the sealed record copies the events batches carry for a restore: bytes on the wire
 * per event with and without them, the time to seal the batches with and without them (the
 * baseline, in the same run), and the time to put the records back into a node restored from a
 * backup taken before the work.
 */
export async function benchRecords(): Promise<void> {
  await ready();
  const dir = await mkdtemp(join(tmpdir(), 'econsulat-bench-records-'));
  try {
    const dataKey = sodium.randombytes_buf(32);
    const store = await openStore({ path: join(dir, 'mission.sqlite'), dataKey });
    seedCatalogue(store);
    // The backup: the node before the work, as a restore brings it back.
    await store.db.backup(join(dir, 'backup.sqlite'));
    // The baseline of putting the records back: writing them in the first place, through the
    // services, in the same run.
    const served = process.hrtime.bigint();
    counterWork(store, APPLICANTS);
    const servedSeconds = Number(process.hrtime.bigint() - served) / 1e9;
    const all = batches(store);
    const events = all.reduce((sum, batch) => sum + batch.length, 0);
    console.log(
      `records: ${figure(APPLICANTS)} applicants at the counter (person, file moved on, invoice, cash payment): ` +
        `${figure(events)} events in ${all.length} batches of at most ${BATCH.limit}`,
    );
    const hub = Identity.generate(HUB_ID);
    const mission = Identity.generate('fr-bench');
    const envelope = (body: { events: MissionEvent[]; records?: string }, seq: number) =>
      seal({
        sender: mission,
        recipient: hub.toPublic(),
        type: 'events.batch',
        body,
        seq,
        timestamp: Date.now(),
      });

    const bytes = { plainEvents: 0, plainCopies: 0, without: 0, with: 0 };
    const sealedCopies: string[] = [];
    all.forEach((batch, i) => {
      const copies = copyRecords(store, batch);
      const records = sealRecordCopies(store, copies);
      if (records) sealedCopies.push(records);
      bytes.plainEvents += JSON.stringify(batch).length;
      bytes.plainCopies += JSON.stringify(copies).length;
      bytes.without += envelope({ events: batch }, i + 1).length;
      bytes.with += envelope(records ? { events: batch, records } : { events: batch }, i + 1).length;
    });
    const perEvent = (value: number) => (value / events).toFixed(1);
    const share = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)} %`;
    console.log(
      `wire: events alone ${perEvent(bytes.without)} B/event = ${share(bytes.without, bytes.plainEvents)} of their plain JSON ` +
        `(${perEvent(bytes.plainEvents)} B/event; target ≤ 40 %)`,
    );
    console.log(
      `wire: with the sealed copies ${perEvent(bytes.with)} B/event = ${share(bytes.with, bytes.plainEvents)} of the events' plain JSON, ` +
        `${share(bytes.with, bytes.plainEvents + bytes.plainCopies)} of events and copies as plain JSON ` +
        `(${perEvent(bytes.plainEvents + bytes.plainCopies)} B/event)`,
    );

    const without: number[] = [];
    const withCopies: number[] = [];
    const time = (fn: () => void) => {
      const start = process.hrtime.bigint();
      fn();
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    for (let round = 0; round < ROUNDS; round++) {
      without.push(
        time(() => {
          for (const [i, batch] of batches(store).entries()) envelope({ events: batch }, i + 1);
        }),
      );
      withCopies.push(
        time(() =>
          batches(store).forEach((batch, i) => {
            const records = sealRecordCopies(store, copyRecords(store, batch));
            envelope(records ? { events: batch, records } : { events: batch }, i + 1);
          }),
        ),
      );
    }
    const ms = (values: number[]) => values.map((value) => value.toFixed(0)).join(', ');
    console.log(
      `reading and sealing every batch: events alone median ${median(without).toFixed(0)} ms (rounds: ${ms(without)}), ` +
        `with the copies ${median(withCopies).toFixed(0)} ms (rounds: ${ms(withCopies)}), ` +
        `${(median(withCopies) / median(without)).toFixed(2)}×`,
    );
    store.close();

    const restoreMs: number[] = [];
    let restored = 0;
    for (let round = 0; round < 3; round++) {
      const path = join(dir, `restored-${round}.sqlite`);
      await rm(path, { force: true });
      await copyFile(join(dir, 'backup.sqlite'), path);
      const node = await openStore({ path, dataKey });
      restoreMs.push(
        time(() =>
          node.db.transaction(() => {
            const copies: CopiedRecord[] = sealedCopies.flatMap((sealed) => openRecordCopies(node, sealed));
            const outcomes = restoreRecords(node, copies, new Date());
            restored = [...outcomes.values()].filter((outcome) => outcome === 'restored').length;
          })(),
        ),
      );
      node.close();
    }
    console.log(
      `putting back ${figure(restored)} records of ${figure(events)} events into the restored node: median ` +
        `${(median(restoreMs) / 1000).toFixed(2)} s (rounds: ${restoreMs.map((v) => (v / 1000).toFixed(2)).join(', ')}), ` +
        `against ${servedSeconds.toFixed(2)} s to write them through the services: ` +
        `${(median(restoreMs) / 1000 / servedSeconds).toFixed(2)}×`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
