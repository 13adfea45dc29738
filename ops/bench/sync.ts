import { transaction } from '../../node/db/transaction.js';
import { appendEvent, outboxBacklog } from '../../node/services/outbox/outbox.js';
import { parseTopic, ready } from '../../protocol/index.js';
import { hubEventCount, openBenchPair, sampleEvent, until } from './link-pair.js';
import { figure, median } from './measure.js';

const EVENTS = 20_000;
const ROUNDS = 3;

/** One catch-up: EVENTS queued at a node, then the link connects; time until all are committed at the hub. */
async function catchUpOnce(database: string | undefined) {
  const pair = await openBenchPair(database);
  let wireBytes = 0;
  pair.broker.aedes.on('publish', (packet) => {
    if (parseTopic(packet.topic)?.kind === 'up') wireBytes += packet.payload.length;
  });
  let jsonBytes = 0;
  transaction(pair.store.db, () => {
    for (let i = 0; i < EVENTS; i++) {
      const event = sampleEvent(i);
      jsonBytes += Buffer.byteLength(JSON.stringify(event));
      appendEvent(pair.store, event);
    }
  });
  const start = process.hrtime.bigint();
  const link = pair.startLink(pair.store);
  await until(async () => (await hubEventCount(pair)) >= EVENTS);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await until(() => outboxBacklog(pair.store).count === 0);
  await link.stop();
  pair.store.close();
  await pair.close();
  return {
    eventsPerSecond: EVENTS / seconds,
    wireRatio: wireBytes / jsonBytes,
    wireBytesPerEvent: wireBytes / EVENTS,
    jsonBytesPerEvent: jsonBytes / EVENTS,
  };
}

/** Catch-up after an outage: 20,000 queued events from one node committed at the hub. */
export async function benchSync(): Promise<void> {
  await ready();
  const database = process.env.DATABASE_URL;
  console.log(
    `sync: catch-up of ${figure(EVENTS)} queued events, node outbox → committed at the hub (${database ? 'PostgreSQL' : 'PGlite'}), ${ROUNDS} rounds`,
  );
  const runs = [];
  for (let round = 0; round < ROUNDS; round++) runs.push(await catchUpOnce(database));
  const last = runs.at(-1);
  console.log(
    `catch-up: median ${figure(median(runs.map((r) => r.eventsPerSecond)))} events/s (rounds: ${runs.map((r) => figure(r.eventsPerSecond)).join(', ')}; target ≥ 2,000)`,
  );
  console.log(
    `wire: ${last?.wireBytesPerEvent.toFixed(1)} B/event sealed vs ${last?.jsonBytesPerEvent.toFixed(1)} B/event plain JSON = ${((last?.wireRatio ?? 0) * 100).toFixed(1)} % (target ≤ 40 %)`,
  );
}
