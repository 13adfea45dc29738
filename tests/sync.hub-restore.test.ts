import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../hub/db/database.js';
import { migrate } from '../hub/db/migrate.js';
import { createPgDatabase, quoteIdentifier } from '../hub/db/pg.js';
import { createPgliteDatabase, PGLITE_EXTENSIONS } from '../hub/db/pglite.js';
import { HubIngestLink } from '../hub/link/hub-link.js';
import { issueDirective } from '../hub/services/directives/issue-directive.js';
import { listRecoveredEvents } from '../node/services/recovery/recovered-events.js';
import { ready } from '../protocol/index.js';
import { hubEventsOf, writeEvents } from './_util/channel-events.js';
import { admin, type TestStore } from './_util/hub-db.js';
import { uniqueMissionId } from './_util/mission-link.js';
import { makeTempDir, type TempDir } from './_util/node-store.js';
import { announceSkip, testDatabaseUrl } from './_util/services.js';
import { type SyncPair, startSyncPair } from './_util/sync-pair.js';

const run = promisify(execFile);
const WAIT = { timeout: 20_000, interval: 50 };

/** A hub database that can be backed up and restored the way its operators would. */
interface RestorableHub extends TestStore {
  /** Takes a backup now. */
  backup(): Promise<void>;
  /** Replaces the database with the backup; returns a handle on the restored one. */
  restore(): Promise<Database>;
}

/** PGlite: a copy of its data directory, loaded back. */
async function pgliteHub(): Promise<RestorableHub> {
  let instance = await PGlite.create({ extensions: PGLITE_EXTENSIONS });
  let db = await createPgliteDatabase({ instance });
  await migrate(db);
  let copy: Blob | undefined;
  return {
    get db() {
      return db;
    },
    async backup() {
      copy = await instance.dumpDataDir('none');
    },
    async restore() {
      await db.close();
      instance = await PGlite.create({ loadDataDir: copy, extensions: PGLITE_EXTENSIONS });
      db = await createPgliteDatabase({ instance });
      return db;
    },
    dispose: () => db.close(),
  };
}

/** PostgreSQL: pg_dump of the hub's schema, and pg_restore over a dropped schema. */
async function pgHub(url: string, temp: TempDir): Promise<RestorableHub> {
  const schema = `hub_restore_${Math.random().toString(16).slice(2, 10)}`;
  await admin(url, `CREATE SCHEMA ${quoteIdentifier(schema)}`);
  const handles: Database[] = [createPgDatabase({ connectionString: url, schema, max: 5 })];
  await migrate(handles[0] as Database);
  const dump = join(temp.dir, 'hub.dump');
  return {
    get db() {
      return handles.at(-1) as Database;
    },
    async backup() {
      await run('pg_dump', ['--format=custom', `--schema=${schema}`, `--file=${dump}`, url]);
    },
    async restore() {
      await Promise.all(handles.splice(0).map((db) => db.close()));
      await admin(url, `DROP SCHEMA ${quoteIdentifier(schema)} CASCADE`);
      await run('pg_restore', [`--dbname=${url}`, dump]);
      const db = createPgDatabase({ connectionString: url, schema, max: 5 });
      handles.push(db);
      return db;
    },
    async dispose() {
      await Promise.all(handles.map((db) => db.close()));
      await admin(url, `DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
    },
  };
}

const backends: Array<{ name: string; make: (temp: TempDir) => Promise<RestorableHub> }> = [
  { name: 'pglite', make: () => pgliteHub() },
];
if (testDatabaseUrl) {
  const url = testDatabaseUrl;
  backends.push({ name: 'pg', make: (temp) => pgHub(url, temp) });
} else {
  announceSkip('hub restore on PostgreSQL', 'TEST_DATABASE_URL');
}

for (const backend of backends) {
  describe(`a hub restored from an older backup (${backend.name})`, () => {
    let temp: TempDir | undefined;
    let hub: RestorableHub | undefined;
    let pair: SyncPair | undefined;
    let restoredLink: HubIngestLink | undefined;
    beforeAll(ready);
    afterEach(async () => {
      await restoredLink?.stop();
      await pair?.close();
      await hub?.dispose();
      await temp?.cleanup();
      temp = hub = pair = restoredLink = undefined;
    });

    it('gets back from the mission what it lost, numbers its own messages past the mission, and doubles nothing', async () => {
      temp = await makeTempDir('econsulat-hub-restore-');
      hub = await backend.make(temp);
      const missionId = uniqueMissionId();
      pair = await startSyncPair(hub, missionId);
      const p = pair;
      const node = p.node.store;
      p.nodeLink.start();
      const issue = async (db: Database, link: HubIngestLink, title: string) => {
        const issued = await issueDirective(
          db,
          p.hub,
          p.trust,
          { title: { fr: title }, body: { fr: 'Consigne.' }, target: 'all' },
          'DAC',
          new Date(),
        );
        for (const { missionId: to, envelope } of issued.envelopes) link.publishDown(to, envelope);
        return issued.directive.directiveId;
      };
      const hubEvents = () => hubEventsOf((hub as RestorableHub).db, missionId);
      const directivesAtNode = () =>
        (
          node.db.prepare('SELECT directive_id FROM directives ORDER BY received_at').all() as {
            directive_id: string;
          }[]
        ).map((row) => row.directive_id);

      const before = writeEvents(node, 30, 'before');
      p.nodeLink.kick();
      const first = await issue(hub.db, p.hubLink, 'Avant la sauvegarde');
      await expect.poll(async () => (await hubEvents()).ids.length, WAIT).toBe(30);
      await expect.poll(directivesAtNode, WAIT).toEqual([first]);
      await hub.backup();

      const lostAtHub = writeEvents(node, 200, 'lost-at-hub');
      p.nodeLink.kick();
      const second = await issue(hub.db, p.hubLink, 'Après la sauvegarde');
      await expect.poll(async () => (await hubEvents()).ids.length, WAIT).toBe(230);
      await expect.poll(directivesAtNode, WAIT).toEqual([first, second]);
      await expect
        .poll(
          () => node.db.prepare('SELECT count(*) AS n FROM outbox WHERE delivered_at IS NULL').get(),
          WAIT,
        )
        .toEqual({ n: 0 });

      // The hub's disk dies; its database comes back from the backup. The node stays connected.
      await p.hubLink.stop();
      // A restore takes longer than the hub's control timestamps can run ahead of its clock (each
      // answer is stamped at least 1 ms after the last): the node drops a control message not newer
      // than the last it took, so the restored hub's first hello must come after it.
      const { last } = node.db.prepare('SELECT last_control_at AS last FROM link_channel').get() as {
        last: number;
      };
      await expect.poll(() => Date.now() > last, WAIT).toBe(true);
      const restored = await hub.restore();
      expect((await hubEvents()).ids).toHaveLength(30);
      restoredLink = new HubIngestLink(restored, p.hub, p.trust, {
        url: `mqtt://127.0.0.1:${p.broker.port}`,
        clientId: 'hub-test',
      });
      await restoredLink.start();
      // Issued at once, before the mission's hello: numbered 2 by the restored hub, which the mission
      // has already applied for another directive. It must still arrive.
      const third = await issue(restored, restoredLink, 'Après la restauration');
      const after = writeEvents(node, 50, 'after');
      p.nodeLink.kick();

      const all = [...before, ...lostAtHub, ...after].sort();
      await expect.poll(async () => (await hubEvents()).ids, WAIT).toEqual(all);
      expect((await hubEvents()).counted).toBe(280);
      await expect.poll(directivesAtNode, WAIT).toEqual([first, second, third]);
      await expect
        .poll(
          async () =>
            (
              await restored.query<{ directive_id: string }>(
                'SELECT directive_id FROM directive_status WHERE mission_id = $1 AND received_at IS NOT NULL ORDER BY directive_id',
                [missionId],
              )
            ).map((row) => row.directive_id),
          WAIT,
        )
        .toEqual([first, third].sort());
      // The node lost nothing: nothing comes back to it as recovered.
      expect(listRecoveredEvents(node, { all: true })).toEqual([]);
      const kinds = await restored.query<{ kind: string }>(
        'SELECT DISTINCT kind FROM channel_resyncs WHERE mission_id = $1 ORDER BY kind',
        [missionId],
      );
      expect(kinds.map((row) => row.kind)).toEqual(['hub_behind_applied', 'hub_behind_sent']);
    });
  });
}
