import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../node/db/store.js';
import { queueAuditCheckpoint } from '../node/jobs/audit-checkpoint.js';
import { appendAudit, auditHead } from '../node/services/audit/audit-log.js';
import { verifyAuditChain } from '../node/services/audit/audit-verify.js';
import { ready } from '../protocol/index.js';
import { dropAuditGuards, rehashFrom } from './_util/audit-entries.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { type SyncPair, startSyncPair } from './_util/sync-pair.js';

function record(store: Store, count: number): void {
  for (let i = 0; i < count; i++) {
    appendAudit(store.db, {
      actor: 'agent:amina',
      action: 'payment.recorded',
      entity: 'payment',
      entityId: `P-${i}`,
      afterDigest: 'ab'.repeat(32),
    });
  }
}

for (const backend of storeBackends('audit log anchored at HQ')) {
  describe(`audit log anchored at HQ (${backend.name})`, () => {
    let hubStore: TestStore | undefined;
    let pair: SyncPair | undefined;
    beforeAll(ready);
    afterEach(async () => {
      await pair?.close();
      await hubStore?.dispose();
      pair = hubStore = undefined;
    });

    const headAtHub = async (length: number) => {
      const rows = await hubStore!.db.query<{ verified: boolean; anomaly: string | null }>(
        'SELECT verified, anomaly FROM audit_checkpoints WHERE length = $1',
        [length],
      );
      return rows[0];
    };

    /** A mission whose first five entries the hub holds, proven. */
    async function anchoredMission(): Promise<Store> {
      hubStore = await migratedStore(backend);
      pair = await startSyncPair(hubStore);
      const { store } = pair.node;
      record(store, 5);
      queueAuditCheckpoint(store);
      pair.nodeLink.start();
      await expect.poll(() => headAtHub(5), { timeout: 20_000 }).toEqual({ verified: true, anomaly: null });
      return store;
    }

    it('shows at HQ an entry edited behind the trigger, the chain rehashed and extended', async () => {
      const store = await anchoredMission();
      dropAuditGuards(store.db);
      rehashFrom(store.db, 2, { actor: 'consul:jean' });
      record(store, 3);
      // Rehashed, the chain is whole; only the heads recorded before tell, here and at HQ.
      expect(verifyAuditChain(store.db)).toMatchObject({ ok: false, reason: 'rewritten' });
      queueAuditCheckpoint(store);
      pair!.nodeLink.kick();
      await expect
        .poll(() => headAtHub(8), { timeout: 20_000 })
        .toEqual({ verified: false, anomaly: 'chain_rewritten' });
    });

    it('shows at HQ a rewrite whose forger rewrote the mission’s own checkpoints too', async () => {
      const store = await anchoredMission();
      dropAuditGuards(store.db);
      store.db.exec('DROP TRIGGER audit_checkpoints_no_update; DROP TRIGGER audit_checkpoints_no_delete;');
      rehashFrom(store.db, 2, { actor: 'consul:jean' });
      store.db
        .prepare('UPDATE audit_checkpoints SET head_hash = ? WHERE length = 5')
        .run(auditHead(store.db).headHash);
      record(store, 3);
      expect(verifyAuditChain(store.db)).toMatchObject({ ok: true, length: 8 });
      queueAuditCheckpoint(store);
      pair!.nodeLink.kick();
      await expect
        .poll(() => headAtHub(8), { timeout: 20_000 })
        .toEqual({ verified: false, anomaly: 'unknown_base' });
    });
  });
}
