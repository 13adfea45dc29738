import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../node/db/db.js';
import { loadMigrations, migrate } from '../node/db/migrate.js';
import type { Store } from '../node/db/store.js';
import { queueAuditCheckpoint } from '../node/jobs/audit-checkpoint.js';
import { GENESIS_HASH, hashAuditEntry } from '../node/services/audit/audit-hash.js';
import { appendAudit, auditHead } from '../node/services/audit/audit-log.js';
import { type AuditRow, entryFromRow, verifyAuditChain } from '../node/services/audit/audit-verify.js';
import { appendVersion1, dropAuditGuards as dropGuards, rehashFrom } from './_util/audit-entries.js';
import { makeTempDir, openTempStore } from './_util/node-store.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A store with five audit entries, and checkpoints queued after the entries listed. */
async function storeWithFive(checkpointsAfter: readonly number[] = []): Promise<Store> {
  const temp = await openTempStore();
  cleanups.push(temp.cleanup);
  for (let i = 1; i <= 5; i++) {
    appendAudit(temp.store.db, {
      actor: 'agent:amina',
      action: 'payment.recorded',
      entity: 'payment',
      entityId: `P-${i}`,
      afterDigest: 'ab'.repeat(32),
    });
    if (checkpointsAfter.includes(i)) queueAuditCheckpoint(temp.store, new Date(Date.UTC(2026, 10, i)));
  }
  return temp.store;
}

async function chainOfFive(): Promise<Db> {
  return (await storeWithFive()).db;
}

describe('node audit log', () => {
  it('verifies an intact chain and reports its length and head', async () => {
    const db = await chainOfFive();
    const verdict = verifyAuditChain(db);
    expect(verdict).toEqual({ ok: true, length: 5, headHash: auditHead(db).headHash });
    expect(auditHead(db).headHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('verifies an empty chain with the all-zero head', async () => {
    const temp = await openTempStore();
    cleanups.push(temp.cleanup);
    expect(verifyAuditChain(temp.store.db)).toEqual({ ok: true, length: 0, headHash: GENESIS_HASH });
  });

  it('refuses updates and deletes through SQL', async () => {
    const db = await chainOfFive();
    expect(() => db.prepare("UPDATE audit_log SET actor = 'x' WHERE seq = 2").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 2').run()).toThrow(/append-only/);
  });

  it('detects an edited entry and names it', async () => {
    const db = await chainOfFive();
    dropGuards(db);
    db.prepare("UPDATE audit_log SET actor = 'consul:jean' WHERE seq = 3").run();
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, firstBadSeq: 3, reason: 'altered_entry' });
  });

  it('detects an edited entry whose own hash was recomputed, at the entry after it', async () => {
    const db = await chainOfFive();
    dropGuards(db);
    const row = db.prepare('SELECT * FROM audit_log WHERE seq = 3').get() as AuditRow;
    const { hash: _old, ...stored } = entryFromRow(row);
    const forged = { ...stored, actor: 'consul:jean' };
    db.prepare('UPDATE audit_log SET actor = ?, hash = ? WHERE seq = 3').run(
      forged.actor,
      hashAuditEntry(forged),
    );
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, firstBadSeq: 4, reason: 'broken_link' });
  });

  it('detects a deleted entry and names the missing seq', async () => {
    const db = await chainOfFive();
    dropGuards(db);
    db.prepare('DELETE FROM audit_log WHERE seq = 3').run();
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, firstBadSeq: 3, reason: 'missing_entry' });
  });

  it('detects entries removed from the end against the last checkpoint, which the chain alone cannot show', async () => {
    const unwitnessed = await chainOfFive();
    dropGuards(unwitnessed);
    unwitnessed.prepare('DELETE FROM audit_log WHERE seq > 3').run();
    expect(verifyAuditChain(unwitnessed)).toMatchObject({ ok: true, length: 3 });

    const { db } = await storeWithFive([2, 5]);
    dropGuards(db);
    db.prepare('DELETE FROM audit_log WHERE seq > 3').run();
    const verdict = verifyAuditChain(db);
    expect(verdict).toMatchObject({ ok: false, firstBadSeq: 4, reason: 'truncated' });
    expect(!verdict.ok && verdict.detail).toContain('the checkpoint of 2026-11-05T00:00:00.000Z counted 5');
  });

  it('detects a chain edited and rehashed from an entry on, between the checkpoints around it', async () => {
    const { db } = await storeWithFive([2, 5]);
    dropGuards(db);
    rehashFrom(db, 3, { actor: 'consul:jean' });
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, firstBadSeq: 3, reason: 'rewritten' });
  });

  it('keeps its checkpoints append-only, and accepts a chain that grew past them', async () => {
    const { db } = await storeWithFive([2, 4]);
    expect(() => db.prepare('DELETE FROM audit_checkpoints').run()).toThrow(/append-only/);
    expect(() => db.prepare('UPDATE audit_checkpoints SET length = 1').run()).toThrow(/append-only/);
    expect(verifyAuditChain(db)).toMatchObject({ ok: true, length: 5 });
  });

  it('detects two entries swapped and names the first', async () => {
    const db = await chainOfFive();
    dropGuards(db);
    db.exec('UPDATE audit_log SET seq = -seq WHERE seq IN (2, 4)');
    db.exec('UPDATE audit_log SET seq = 4 WHERE seq = -2; UPDATE audit_log SET seq = 2 WHERE seq = -4;');
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, firstBadSeq: 2 });
  });

  it('rolls an entry back with the transaction of its change', async () => {
    const db = await chainOfFive();
    const failing = db.transaction(() => {
      appendAudit(db, { actor: 'a', action: 'payment.refunded', entity: 'payment', entityId: 'P-1' });
      throw new Error('refund refused');
    });
    expect(failing).toThrow(/refund/);
    expect(verifyAuditChain(db)).toMatchObject({ ok: true, length: 5 });
  });

  it('keeps a chain written before migration 011, which drops the hash index, whole and append-only', async () => {
    const temp = await makeTempDir();
    const db = openDatabase(join(temp.dir, 'node.sqlite'));
    cleanups.push(async () => {
      db.close();
      await temp.cleanup();
    });
    migrate(
      db,
      loadMigrations().filter((m) => m.version < 11),
    );
    for (let i = 1; i <= 3; i++) appendVersion1(db, `P-${i}`);
    const before = verifyAuditChain(db);
    expect(migrate(db).applied[0]).toBe(11);
    expect(verifyAuditChain(db)).toEqual(before);
    expect(before).toMatchObject({ ok: true, length: 3 });
    const indexes = db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'audit_log'")
      .all();
    expect(indexes).toEqual([]);
    expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 2').run()).toThrow(/append-only/);
    appendAudit(db, { actor: 'agent:amina', action: 'payment.recorded', entity: 'payment', entityId: 'P-4' });
    expect(verifyAuditChain(db)).toMatchObject({ ok: true, length: 4 });
  });
});
