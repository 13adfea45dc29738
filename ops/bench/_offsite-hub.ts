/**
 * The hub's side of the off-site benchmark in a process of its own, as deployed: the embedded
 * broker and the hub's ingest link (its backup receiver and services/offsite) over the PostgreSQL
 * database the bench enrolled its mission in, while the node runs in the bench's process.
 *
 *   BENCH_DATABASE_URL, BENCH_HUB_SECRET, BENCH_OFFSITE (the off-site config, JSON):
 *   node --import tsx ops/bench/_offsite-hub.ts   → prints "listening on mqtt://127.0.0.1:<port>"
 *
 * With BENCH_RAW_MISSION and BENCH_RAW_FRAMES instead of BENCH_OFFSITE, the baseline's side: the
 * same broker with a plain subscriber on that mission's backup topic in place of the hub, which
 * publishes one frame on the mission's backup-ack topic once it has received that many frames.
 */
import mqtt from 'mqtt';
import { z } from 'zod';
import { startBroker } from '../../hub/broker/broker.js';
import { openDatabase } from '../../hub/db/open-database.js';
import { HubIngestLink } from '../../hub/link/hub-link.js';
import { offsiteSettingsOf } from '../../hub/services/offsite/offsite-settings.js';
import {
  backupAckTopic,
  backupTopic,
  createBrokerToken,
  HUB_ID,
  Identity,
  ready,
} from '../../protocol/index.js';
import { benchTrust } from './link-pair.js';

const env = z
  .object({
    BENCH_DATABASE_URL: z.string().startsWith('postgres'),
    BENCH_HUB_SECRET: z.string().min(1),
    BENCH_OFFSITE: z.string().optional(),
    BENCH_RAW_MISSION: z.string().optional(),
    BENCH_RAW_FRAMES: z.coerce.number().int().positive().optional(),
  })
  .parse(process.env);

await ready();
const db = await openDatabase({ databaseUrl: env.BENCH_DATABASE_URL });
const hub = Identity.importSecret(env.BENCH_HUB_SECRET);
const trust = await benchTrust(db, hub);
const broker = await startBroker({ host: '127.0.0.1', port: 0, trust, events: { refused: () => {} } });
const url = `mqtt://127.0.0.1:${broker.port}`;
const stopSide = env.BENCH_RAW_MISSION ? await plainSubscriber(env.BENCH_RAW_MISSION) : await ingestLink();
process.stdout.write(`listening on ${url}\n`);
process.once('SIGTERM', () => {
  void stopSide()
    .then(() => broker.close())
    .then(() => db.close())
    .then(() => process.exit(0));
});

async function ingestLink(): Promise<() => Promise<void>> {
  const offsite = offsiteSettingsOf(JSON.parse(env.BENCH_OFFSITE ?? '{}'));
  if (!offsite) throw new Error('BENCH_OFFSITE names no recovery key');
  const link = new HubIngestLink(db, hub, trust, { url, clientId: 'hub-bench', offsite });
  await link.start();
  return () => link.stop();
}

async function plainSubscriber(missionId: string): Promise<() => Promise<void>> {
  const expected = env.BENCH_RAW_FRAMES ?? 1;
  const client = await mqtt.connectAsync(url, {
    clientId: 'hub-raw',
    username: HUB_ID,
    password: createBrokerToken(hub, Date.now()),
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  let received = 0;
  client.on('message', () => {
    received += 1;
    if (received === expected) client.publish(backupAckTopic(missionId), 'done', { qos: 1 });
  });
  await client.subscribeAsync(backupTopic(missionId), { qos: 1 });
  return () => client.endAsync(true);
}
