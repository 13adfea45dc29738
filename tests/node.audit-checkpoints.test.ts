import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../node/db/db.js';
import { loadMigrations, migrate } from '../node/db/migrate.js';
import type { Store } from '../node/db/store.js';
import { queueAuditCheckpoint } from '../node/jobs/audit-checkpoint.js';
import { planAuditCheckpoints, recordAuditCheckpoint } from '../node/services/audit/audit-checkpoints.js';
import { appendAudit, auditHead } from '../node/services/audit/audit-log.js';
import { AUDIT_GENESIS_HASH, auditChainHashes } from '../protocol/index.js';
import { appendVersion1, dropAuditGuards, rehashFrom } from './_util/audit-entries.js';
import { makeTempDir, openTempStore } from './_util/node-store.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function store(): Promise<Store> {
  const temp = await openTempStore();
  cleanups.push(temp.cleanup);
  return temp.store;
}

function append(s: Store, count: number): void {
  for (let i = 0; i < count; i++) {
    appendAudit(s.db, {
      actor: 'agent:amina',
      action: 'person.created',
      entity: 'person',
      entityId: `p${i}`,
    });
  }
}

const pendingCheckpoints = (s: Store) => s.db.prepare('SELECT count(*) FROM link_pending').pluck().get();

describe('node audit checkpoints: what the hub gets to recompute the chain', () => {
  it('sends the digests of every entry since the empty chain, which lead to the head', async () => {
    const s = await store();
    append(s, 4);
    const [checkpoint, ...rest] = planAuditCheckpoints(s.db);
    expect(rest).toEqual([]);
    expect(checkpoint).toMatchObject({
      ...auditHead(s.db),
      since: { length: 0, headHash: AUDIT_GENESIS_HASH },
    });
    expect(checkpoint?.digests).toHaveLength(4);
    expect(auditChainHashes(AUDIT_GENESIS_HASH, checkpoint?.digests ?? []).at(-1)).toBe(
      auditHead(s.db).headHash,
    );
  });

  it('sends only the entries since the checkpoint queued last, from that head', async () => {
    const s = await store();
    append(s, 3);
    const first = queueAuditCheckpoint(s, new Date('2026-11-20T06:00:00.000Z'));
    append(s, 2);
    const [checkpoint] = planAuditCheckpoints(s.db);
    expect(checkpoint?.since).toEqual({ length: 3, headHash: first.headHash });
    expect(auditChainHashes(first.headHash, checkpoint?.digests ?? [])).toEqual(
      s.db.prepare('SELECT hash FROM audit_log WHERE seq > 3 ORDER BY seq').pluck().all(),
    );
  });

  it('sends the same head again with no digest when nothing was written since', async () => {
    const s = await store();
    append(s, 2);
    const first = queueAuditCheckpoint(s);
    expect(planAuditCheckpoints(s.db)).toEqual([
      { length: 2, headHash: first.headHash, since: { length: 2, headHash: first.headHash }, digests: [] },
    ]);
  });

  it('splits a long range into checkpoints of at most the bound, each from the one before', async () => {
    const s = await store();
    append(s, 5);
    const planned = planAuditCheckpoints(s.db, 2);
    expect(planned.map((c) => [c.since?.length, c.length, c.digests?.length])).toEqual([
      [0, 2, 2],
      [2, 4, 2],
      [4, 5, 1],
    ]);
    for (const checkpoint of planned) {
      expect(auditChainHashes(checkpoint.since?.headHash ?? '', checkpoint.digests ?? []).at(-1)).toBe(
        checkpoint.headHash,
      );
    }
  });

  it('queues the head with its proof and keeps it as the base of the next', async () => {
    const s = await store();
    append(s, 3);
    const queued = queueAuditCheckpoint(s);
    expect(queued).toMatchObject(auditHead(s.db));
    expect(pendingCheckpoints(s)).toBe(1);
    expect(planAuditCheckpoints(s.db)[0]?.since).toEqual(auditHead(s.db));
  });

  it('reports the entries written before migration 016 without proof, then the newer ones with it', async () => {
    const temp = await makeTempDir();
    const db = openDatabase(join(temp.dir, 'node.sqlite'));
    cleanups.push(async () => {
      db.close();
      await temp.cleanup();
    });
    migrate(
      db,
      loadMigrations().filter((m) => m.version < 16),
    );
    appendVersion1(db, 'P-1');
    recordAuditCheckpoint(db, new Date().toISOString(), auditHead(db));
    for (let i = 2; i <= 3; i++) appendVersion1(db, `P-${i}`);
    migrate(db);
    appendVersion1(db, 'P-4');
    for (let i = 5; i <= 6; i++) {
      appendAudit(db, {
        actor: 'agent:amina',
        action: 'payment.recorded',
        entity: 'payment',
        entityId: `P-${i}`,
      });
    }
    const fourth = db.prepare('SELECT hash FROM audit_log WHERE seq = 4').pluck().get() as string;
    expect(planAuditCheckpoints(db)).toEqual([
      { length: 4, headHash: fourth },
      { ...auditHead(db), since: { length: 4, headHash: fourth }, digests: expect.any(Array) },
    ]);
  });

  it('sends the digests of the entries as stored now, which do not lead from the head sent before once rewritten', async () => {
    const s = await store();
    append(s, 3);
    const sent = queueAuditCheckpoint(s);
    append(s, 2);
    dropAuditGuards(s.db);
    rehashFrom(s.db, 2, { actor: 'consul:jean' });
    const [checkpoint] = planAuditCheckpoints(s.db);
    expect(checkpoint?.since).toEqual({ length: 3, headHash: sent.headHash });
    expect(checkpoint?.headHash).toBe(auditHead(s.db).headHash);
    expect(auditChainHashes(sent.headHash, checkpoint?.digests ?? []).at(-1)).not.toBe(checkpoint?.headHash);
  });

  it('sends the head without proof when entries are missing from the range', async () => {
    const s = await store();
    append(s, 4);
    dropAuditGuards(s.db);
    s.db.prepare('DELETE FROM audit_log WHERE seq = 2').run();
    expect(planAuditCheckpoints(s.db)).toEqual([auditHead(s.db)]);
    expect(() => queueAuditCheckpoint(s)).not.toThrow();
  });
});
