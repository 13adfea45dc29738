import { copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { issueDirective } from '../hub/services/directives/issue-directive.js';
import { pruneAcknowledgedOutbound } from '../hub/services/outbound.js';
import { createBackup } from '../node/backup/backup.js';
import { restoreBackup } from '../node/backup/restore.js';
import { openStore, type Store } from '../node/db/store.js';
import { downHandlers } from '../node/link/handlers/index.js';
import { HubLink } from '../node/link/hub-connection.js';
import { getDirective } from '../node/services/directives/directives.js';
import { createPeopleRepository } from '../node/services/people/people-repository.js';
import { listRecoveredEvents } from '../node/services/recovery/recovered-events.js';
import { ready } from '../protocol/index.js';
import { hubEventsOf, undelivered, writeEvents } from './_util/channel-events.js';

/** The ids of the outbox's person events, in order. */
function personEvents(store: Store): string[] {
  const rows = store.db.prepare(`SELECT id FROM outbox WHERE entity = 'person' ORDER BY seq`).all() as {
    id: string;
  }[];
  return rows.map((row) => row.id);
}

import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { uniqueMissionId } from './_util/mission-link.js';
import { type SyncPair, startSyncPair } from './_util/sync-pair.js';

const WAIT = { timeout: 20_000, interval: 50 };

for (const backend of storeBackends('restore resync')) {
  describe(`a node that goes back in time (${backend.name})`, () => {
    let hubStore: TestStore | undefined;
    let pair: SyncPair | undefined;
    let store: Store | undefined;
    let link: HubLink | undefined;
    beforeAll(ready);
    afterEach(async () => {
      await link?.stop();
      if (store?.db.open) store.close();
      await pair?.close();
      await hubStore?.dispose();
      hubStore = pair = store = link = undefined;
    });

    /** Starts the node's link on a store (the pair's own, or one reopened after a restore). */
    function startLink(on: Store): HubLink {
      const context = { ...(pair as SyncPair).linkContext, store: on };
      const started = new HubLink(context, downHandlers(), {
        url: `mqtt://127.0.0.1:${(pair as SyncPair).broker.port}`,
        reconnect: { baseMs: 100, maxMs: 1000 },
        drainIntervalMs: 100,
      });
      started.start();
      return started;
    }

    const hubEvents = (missionId: string) => hubEventsOf((hubStore as TestStore).db, missionId);

    async function issue(title: string): Promise<string> {
      const p = pair as SyncPair;
      const issued = await issueDirective(
        (hubStore as TestStore).db,
        p.hub,
        p.trust,
        { title: { fr: title }, body: { fr: 'Consigne.' }, target: 'all' },
        'DAC',
        new Date(),
      );
      for (const { missionId, envelope } of issued.envelopes) p.hubLink.publishDown(missionId, envelope);
      return issued.directive.directiveId;
    }

    /**
     * Up to the moment the node goes back: 30 events delivered, the "backup" taken by `keep`, then 200
     * more events and a directive, all delivered and applied. Returns what the test must find again.
     */
    async function workThenGoBack(keep: (store: Store) => Promise<void>, goBack: () => Promise<Store>) {
      hubStore = await migratedStore(backend);
      const missionId = uniqueMissionId();
      pair = await startSyncPair(hubStore, missionId);
      store = pair.node.store;
      link = startLink(store);
      const before = writeEvents(store, 30, 'before');
      await expect.poll(async () => (await hubEvents(missionId)).ids.length, WAIT).toBe(30);
      await expect.poll(() => undelivered(store as Store), WAIT).toBe(0);
      await keep(store);
      // 195 events, and 5 applicants recorded: real records, which must come back whole.
      const people = createPeopleRepository({ store, defaultRegion: 'FR' });
      const applicants = ['Bangui', 'Bimbo', 'Berberati', 'Bambari', 'Bossangoa'].map((town) =>
        people.create({ givenNames: 'Aimée', familyName: `de ${town}`, phone: '+33612345678' }, 'amina'),
      );
      const lost = [...writeEvents(store, 195, 'lost'), ...personEvents(store)];
      const directiveId = await issue('Directive après la sauvegarde');
      await expect.poll(async () => (await hubEvents(missionId)).ids.length, WAIT).toBe(230);
      await expect.poll(() => getDirective(store as Store, directiveId)?.receivedAt, WAIT).toBeTruthy();
      await expect.poll(() => undelivered(store as Store), WAIT).toBe(0);
      // The node's acknowledgement of the directive reaches the hub after the node applied it.
      const unacknowledged = async () => {
        const [row] = await (hubStore as TestStore).db.query<{ n: number | string }>(
          'SELECT count(*) AS n FROM outbound WHERE mission_id = $1 AND acked_at IS NULL',
          [missionId],
        );
        return Number(row?.n);
      };
      await expect.poll(unacknowledged, WAIT).toBe(0);
      await link.stop();
      store.close();
      store = await goBack();
      expect(getDirective(store, directiveId)).toBeUndefined();
      expect(
        createPeopleRepository({ store, defaultRegion: 'FR' }).get(applicants[0]?.id ?? ''),
      ).toBeUndefined();
      link = startLink(store);
      const after = writeEvents(store, 50, 'after');
      return { missionId, before, lost, after, directiveId, applicants };
    }

    async function expectConverged(outcome: Awaited<ReturnType<typeof workThenGoBack>>) {
      const { missionId, before, lost, after, directiveId, applicants } = outcome;
      const on = store as Store;
      const all = [...before, ...lost, ...after].sort();
      await expect.poll(async () => (await hubEvents(missionId)).ids, WAIT).toEqual(all);
      await expect.poll(() => undelivered(on), WAIT).toBe(0);
      // Each event applied once at the hub, whatever was sent again.
      expect((await hubEvents(missionId)).counted).toBe(280);
      // The 200 events written after the backup come back to the node, once, for its staff.
      await expect
        .poll(
          () =>
            listRecoveredEvents(on, { all: true })
              .map((event) => event.id)
              .sort(),
          WAIT,
        )
        .toEqual([...lost].sort());
      // The applicants recorded after the backup are back, from the mission's sealed copies.
      const people = createPeopleRepository({ store: on, defaultRegion: 'FR' });
      expect(applicants.map((person) => people.get(person.id))).toEqual(applicants);
      const outcomes = listRecoveredEvents(on, { all: true, limit: 1000 }).map((event) => event.outcome);
      expect(outcomes.filter((outcome) => outcome === 'restored')).toHaveLength(applicants.length);
      // The synthetic events name no record: they wait for an agent.
      expect(outcomes.filter((outcome) => outcome === 'not_copied')).toHaveLength(195);
      // The directive issued after the backup is applied again, once, and its receipt counted once.
      await expect.poll(() => getDirective(on, directiveId)?.receivedAt, WAIT).toBeTruthy();
      expect(on.db.prepare('SELECT count(*) AS n FROM directives').get()).toEqual({ n: 1 });
      const db = (hubStore as TestStore).db;
      const receipts = await db.query('SELECT received_at FROM directive_status WHERE mission_id = $1', [
        missionId,
      ]);
      expect(receipts).toHaveLength(1);
      const resyncs = await db.query<{ kind: string }>(
        'SELECT kind FROM channel_resyncs WHERE mission_id = $1 ORDER BY id',
        [missionId],
      );
      expect(resyncs.map((row) => row.kind)).toContain('node_behind');
      expect(resyncs.map((row) => row.kind)).toContain('node_behind_applied');
    }

    it('restored from its nightly backup: the hub has every event once, the node gets back what it lost', async () => {
      let backupFile = '';
      const outcome = await workThenGoBack(
        async (on) => {
          const dir = (pair as SyncPair).node.dir;
          const made = await createBackup({ store: on, out: join(dir, 'backups'), workDir: dir });
          backupFile = made.file;
        },
        async () => {
          const p = pair as SyncPair;
          const restored = await restoreBackup({
            from: backupFile,
            dataKey: p.node.dataKey,
            dir: p.node.dir,
            force: true,
          });
          expect(restored.integrity).toBe('ok');
          return openStore({ path: p.node.path, dataKey: p.node.dataKey });
        },
      );
      await expectConverged(outcome);
    });

    it('restored from a backup older than the hub keeps what it sent: the state in force comes down again', async () => {
      let backupFile = '';
      const outcome = await workThenGoBack(
        async (on) => {
          const dir = (pair as SyncPair).node.dir;
          backupFile = (await createBackup({ store: on, out: join(dir, 'backups'), workDir: dir })).file;
        },
        async () => {
          const p = pair as SyncPair;
          await restoreBackup({ from: backupFile, dataKey: p.node.dataKey, dir: p.node.dir, force: true });
          // Past the retention period, the hub has dropped every envelope the mission acknowledged.
          const tomorrow = new Date(Date.now() + 86_400_000);
          expect(await pruneAcknowledgedOutbound((hubStore as TestStore).db, tomorrow)).toBeGreaterThan(0);
          return openStore({ path: p.node.path, dataKey: p.node.dataKey });
        },
      );
      await expectConverged(outcome);
      const [resync] = await (hubStore as TestStore).db.query<{ restarted_at: number | string | null }>(
        `SELECT restarted_at FROM channel_resyncs WHERE mission_id = $1 AND kind = 'node_behind_applied'`,
        [outcome.missionId],
      );
      expect(resync?.restarted_at).not.toBeNull();
    });

    it('rolled back to a VM snapshot of its data directory: the same outcome, found by the positions alone', async () => {
      const snapshot = (name: string) => join((pair as SyncPair).node.dir, `snapshot-${name}`);
      const files = ['mission.sqlite', 'mission.sqlite-wal', 'mission.sqlite-shm'];
      const outcome = await workThenGoBack(
        async () => {
          // The node is idle (everything delivered): a copy of its files is what a snapshot holds.
          const dir = (pair as SyncPair).node.dir;
          for (const name of files) await copyFile(join(dir, name), snapshot(name)).catch(() => undefined);
        },
        async () => {
          const p = pair as SyncPair;
          for (const name of files) {
            await rm(join(p.node.dir, name), { force: true });
            await copyFile(snapshot(name), join(p.node.dir, name)).catch(() => undefined);
          }
          return openStore({ path: p.node.path, dataKey: p.node.dataKey });
        },
      );
      await expectConverged(outcome);
    });
  });
}
