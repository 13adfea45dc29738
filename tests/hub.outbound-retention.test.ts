import { afterEach, describe, expect, it } from 'vitest';
import { createHubMetrics } from '../hub/metrics.js';
import { recordResync } from '../hub/services/channels/channel-positions.js';
import { holdOutbound, pruneAcknowledgedOutbound } from '../hub/services/outbound.js';
import { ACK } from '../protocol/index.js';
import { addMission } from './_util/dashboard-data.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';

const DAY = 86_400_000;

for (const backend of storeBackends('outbound retention')) {
  describe(`what the hub keeps of what it sent (${backend.name})`, () => {
    let store: TestStore | undefined;
    afterEach(async () => {
      await store?.dispose();
      store = undefined;
    });

    it('keeps acknowledged envelopes until the retention period ends, and never those still waiting', async () => {
      store = await migratedStore(backend);
      const { db } = store;
      await addMission(db, { id: 'fr-paris', name: 'Paris', online: true });
      await db.query(`INSERT INTO channels (mission_id) VALUES ('fr-paris') ON CONFLICT DO NOTHING`);
      await db.transaction(async (tx) => {
        for (let i = 0; i < 3; i++) await holdOutbound(tx, 'fr-paris', ACK, () => new Uint8Array([i]));
      });
      const now = Date.now();
      await db.query(`UPDATE outbound SET acked_at = $1 WHERE seq = 1`, [new Date(now - 120 * DAY)]);
      await db.query(`UPDATE outbound SET acked_at = $1 WHERE seq = 2`, [new Date(now - 10 * DAY)]);
      expect(await pruneAcknowledgedOutbound(db, new Date(now - 90 * DAY))).toBe(1);
      const rows = await db.query<{ seq: number | string }>('SELECT seq FROM outbound ORDER BY seq');
      expect(rows.map((row) => Number(row.seq))).toEqual([2, 3]);
      expect(await pruneAcknowledgedOutbound(db, new Date(now))).toBe(1);
      const left = await db.query<{ seq: number | string }>('SELECT seq FROM outbound ORDER BY seq');
      expect(left.map((row) => Number(row.seq))).toEqual([3]);
    });

    it('counts the channels that went back in time in /metrics, by kind', async () => {
      store = await migratedStore(backend);
      const { db } = store;
      await addMission(db, { id: 'fr-paris', name: 'Paris', online: true });
      const at = new Date();
      await db.transaction(async (tx) => {
        await recordResync(tx, 'fr-paris', at, {
          kind: 'node_behind',
          missionPosition: 3,
          hubPosition: 9,
          recovered: 6,
        });
        await recordResync(tx, 'fr-paris', at, {
          kind: 'node_behind',
          missionPosition: 9,
          hubPosition: 12,
          recovered: 3,
        });
        await recordResync(tx, 'fr-paris', at, {
          kind: 'hub_behind_sent',
          missionPosition: 5,
          hubPosition: 2,
          recovered: 1,
        });
      });
      const text = await createHubMetrics(db).registry.metrics();
      expect(text).toContain('econsulat_hub_channel_resyncs{kind="node_behind"} 2');
      expect(text).toContain('econsulat_hub_channel_resyncs{kind="hub_behind_sent"} 1');
    });
  });
}
