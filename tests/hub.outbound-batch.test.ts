import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sealAndHold, sealAndHoldAll, type ToHold } from '../hub/services/outbound.js';
import { open, REGISTRY_RESULT, type RegistryResult, ready } from '../protocol/index.js';
import { missionContext, NOW, testParties } from '../protocol/test-fixtures.js';
import { addMission } from './_util/dashboard-data.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';

function result(recordId: string): RegistryResult {
  return {
    submissionId: crypto.randomUUID(),
    recordId,
    decision: 'review',
    score: 0.5,
    reasons: ['homonym_likely'],
    decidedAt: new Date(NOW).toISOString(),
  };
}

for (const backend of storeBackends('outbound batch')) {
  describe(`several hub → mission messages sealed and held at once (${backend.name})`, () => {
    let store: TestStore | undefined;
    beforeAll(ready);
    afterEach(async () => {
      await store?.dispose();
      store = undefined;
    });

    it('takes each mission’s next sequences in the order given, and keeps envelope and body of each', async () => {
      store = await migratedStore(backend);
      const { db } = store;
      const parties = testParties();
      for (const id of ['fr-paris', 'cm-yaounde']) {
        await addMission(db, { id, name: id, online: true });
        await db.query('INSERT INTO channels (mission_id) VALUES ($1) ON CONFLICT DO NOTHING', [id]);
      }
      const paris = parties.paris.toPublic();
      const yaounde = parties.yaounde.toPublic();
      // Paris has sent one message already: the batch goes on from its sequence 2.
      await db.transaction((tx) => sealAndHold(tx, parties.hub, paris, REGISTRY_RESULT, result('P0'), NOW));
      const messages: ToHold[] = [
        { recipient: paris, type: REGISTRY_RESULT, body: result('P1'), timestamp: NOW },
        { recipient: yaounde, type: REGISTRY_RESULT, body: result('Y1'), timestamp: NOW },
        { recipient: paris, type: REGISTRY_RESULT, body: result('P2'), timestamp: NOW },
        { recipient: paris, type: REGISTRY_RESULT, body: result('P3'), timestamp: NOW },
      ];
      const held = await db.transaction((tx) => sealAndHoldAll(tx, parties.hub, messages));
      expect(held.map(({ missionId, seq }) => [missionId, seq])).toEqual([
        ['fr-paris', 2],
        ['cm-yaounde', 1],
        ['fr-paris', 3],
        ['fr-paris', 4],
      ]);
      // Each envelope opens at its mission under its sequence, with the body given.
      for (const [index, one] of held.entries()) {
        const self = one.missionId === 'fr-paris' ? parties.paris : parties.yaounde;
        const opened = open(one.envelope, missionContext(parties, self));
        if (!opened.ok) throw new Error(opened.reason);
        expect(opened.value.header.seq).toBe(one.seq);
        expect(opened.value.body).toEqual(messages[index]?.body);
      }
      const rows = await db.query<{
        mission_id: string;
        seq: string | number;
        envelope: Uint8Array;
        body: RegistryResult;
      }>('SELECT mission_id, seq, envelope, body FROM outbound ORDER BY mission_id, seq');
      expect(rows.map((row) => [row.mission_id, Number(row.seq), row.body.recordId])).toEqual([
        ['cm-yaounde', 1, 'Y1'],
        ['fr-paris', 1, 'P0'],
        ['fr-paris', 2, 'P1'],
        ['fr-paris', 3, 'P2'],
        ['fr-paris', 4, 'P3'],
      ]);
      const stored = rows.find((row) => row.mission_id === 'fr-paris' && Number(row.seq) === 3);
      expect(Buffer.from(stored?.envelope ?? []).equals(Buffer.from(held[2]?.envelope ?? []))).toBe(true);
      const [channel] = await db.query<{ next_send_seq: string | number }>(
        `SELECT next_send_seq FROM channels WHERE mission_id = 'fr-paris'`,
      );
      expect(Number(channel?.next_send_seq)).toBe(5);
    });

    it('holds nothing, and says which, when a mission has no channel', async () => {
      store = await migratedStore(backend);
      const { db } = store;
      const parties = testParties();
      await addMission(db, { id: 'fr-paris', name: 'Paris', online: true });
      await db.query(`INSERT INTO channels (mission_id) VALUES ('fr-paris') ON CONFLICT DO NOTHING`);
      await addMission(db, { id: 'cm-yaounde', name: 'Yaoundé', online: true });
      await db.query(`DELETE FROM channels WHERE mission_id = 'cm-yaounde'`);
      const messages: ToHold[] = [
        { recipient: parties.paris.toPublic(), type: REGISTRY_RESULT, body: result('P1'), timestamp: NOW },
        { recipient: parties.yaounde.toPublic(), type: REGISTRY_RESULT, body: result('Y1'), timestamp: NOW },
      ];
      await expect(db.transaction((tx) => sealAndHoldAll(tx, parties.hub, messages))).rejects.toThrow(
        'no channel for mission cm-yaounde',
      );
      expect(await db.query('SELECT 1 FROM outbound')).toEqual([]);
      const [channel] = await db.query<{ next_send_seq: string | number }>(
        `SELECT next_send_seq FROM channels WHERE mission_id = 'fr-paris'`,
      );
      expect(Number(channel?.next_send_seq)).toBe(1);
    });
  });
}
