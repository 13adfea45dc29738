import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../hub/db/database.js';
import { openDatabase } from '../hub/db/open-database.js';
import { listenOn, type PgListener } from '../hub/db/pg.js';
import { isConnectionLoss } from '../hub/db/pg-failover.js';
import { serverUrlsOf } from '../hub/db/pg-hosts.js';
import { downHandlers } from '../node/link/handlers/index.js';
import { HubLink } from '../node/link/hub-connection.js';
import { heldCount } from '../node/link/link-store.js';
import { outboxBacklog } from '../node/services/outbox/outbox.js';
import { ready } from '../protocol/index.js';
import { hubEventsOf, writeEvents } from './_util/channel-events.js';
import { installedPostgresBin, type ReplicaPair, startReplicaPair } from './_util/pg-replica-pair.js';
import { announceSkip, testDatabaseUrl } from './_util/services.js';
import { type SyncPair, startSyncPair } from './_util/sync-pair.js';

describe('a multi-host DATABASE_URL', () => {
  it('is split into one URL per server, in order, without target_session_attrs', () => {
    expect(
      serverUrlsOf(
        'postgres://hub:secret@db1:5432,db2:5433/hub?target_session_attrs=read-write&sslmode=require',
      ),
    ).toEqual([
      'postgres://hub:secret@db1:5432/hub?sslmode=require',
      'postgres://hub:secret@db2:5433/hub?sslmode=require',
    ]);
    expect(serverUrlsOf('postgresql://db1,db2/hub?target_session_attrs=read-write')).toEqual([
      'postgresql://db1/hub',
      'postgresql://db2/hub',
    ]);
  });

  it('stays one URL when it names one server', () => {
    expect(serverUrlsOf('postgres://postgres@127.0.0.1:5432/test')).toEqual([
      'postgres://postgres@127.0.0.1:5432/test',
    ]);
  });

  it('tells a lost or demoted server from an error of the query itself', () => {
    const coded = (code: string) => Object.assign(new Error('x'), { code });
    expect(isConnectionLoss(coded('57P01'))).toBe(true);
    expect(isConnectionLoss(coded('25006'))).toBe(true);
    expect(isConnectionLoss(coded('ECONNREFUSED'))).toBe(true);
    expect(isConnectionLoss(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionLoss(coded('23505'))).toBe(false);
    expect(isConnectionLoss(coded('42P01'))).toBe(false);
  });
});

const bin = installedPostgresBin();
// The installed PostgreSQL tools are those of the test database's server: both are needed.
const runnable = testDatabaseUrl !== undefined && bin !== undefined;
if (!runnable) announceSkip('database failover', 'TEST_DATABASE_URL (and the installed PostgreSQL tools)');

describe.runIf(runnable)('the hub across the promotion of its PostgreSQL replica', () => {
  let replicas: ReplicaPair | undefined;
  let db: Database | undefined;
  let pair: SyncPair | undefined;
  let link: HubLink | undefined;
  let listener: PgListener | undefined;
  beforeAll(ready);
  afterEach(async () => {
    await listener?.close();
    await link?.stop();
    await pair?.close();
    await db?.close();
    await replicas?.stop();
    replicas = db = pair = link = listener = undefined;
  });

  it('carries on ingesting on the promoted replica, and loses and doubles nothing', async () => {
    replicas = await startReplicaPair(bin ?? '');
    db = await openDatabase({ databaseUrl: replicas.url });
    pair = await startSyncPair({ db, dispose: async () => undefined }, 'fr-paris');
    const { store } = pair.node;
    link = new HubLink(
      { ...pair.linkContext, batch: { maxEvents: 20, maxBytes: 64 * 1024 } },
      downHandlers(),
      {
        url: `mqtt://127.0.0.1:${pair.broker.port}`,
        reconnect: { baseMs: 50, maxMs: 400 },
        drainIntervalMs: 50,
        resendAfterMs: 1_000,
      },
    );
    // The dashboards' change feed between hub processes listens on the primary, and follows it.
    const heard: string[] = [];
    listener = listenOn({ connectionString: replicas.url }, 'failover_test', (payload) =>
      heard.push(payload),
    );
    await expect
      .poll(async () => {
        await db?.query("SELECT pg_notify('failover_test', 'before')");
        return heard.includes('before');
      })
      .toBe(true);
    const sent = writeEvents(store, 3_000, 'failover');
    link.start();

    // The primary crashes in the middle of the catch-up, and its replica is promoted.
    await expect
      .poll(async () => (await hubEventsOf(db as Database, 'fr-paris')).ids.length, { timeout: 60_000 })
      .toBeGreaterThan(600);
    await replicas.crashPrimary();
    await replicas.promoteReplica();

    await expect.poll(() => outboxBacklog(store).count, { timeout: 120_000, interval: 250 }).toBe(0);
    await expect.poll(() => heldCount(store.db), { timeout: 60_000 }).toBe(0);
    const [server] = await db.query<{ port: number; standby: boolean }>(
      'SELECT inet_server_port() AS port, pg_is_in_recovery() AS standby',
    );
    expect(server).toEqual({ port: replicas.replica.port, standby: false });
    // Every event the mission sent is at the hub once: as rows, and as the dashboards counted them.
    const events = await hubEventsOf(db, 'fr-paris');
    expect(events.ids).toEqual([...sent].sort());
    expect(events.counted).toBe(sent.length);
    await expect
      .poll(
        async () => {
          await db?.query("SELECT pg_notify('failover_test', 'after')");
          return heard.includes('after');
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe(true);
  }, 240_000);
});
