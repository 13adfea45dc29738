import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../node/db/db.js';
import { loadMigrations, migrate } from '../node/db/migrate.js';
import { auditEntryDigest, hashAuditEntry } from '../node/services/audit/audit-hash.js';
import { appendAudit } from '../node/services/audit/audit-log.js';
import { type AuditRow, entryFromRow, verifyAuditChain } from '../node/services/audit/audit-verify.js';
import { AUDIT_GENESIS_HASH, auditChainStep, canonicalJson, ready, sodium, utf8 } from '../protocol/index.js';
import { appendVersion1, dropAuditGuards, rehashFrom } from './_util/audit-entries.js';
import { makeTempDir } from './_util/node-store.js';

const cleanups: Array<() => Promise<void>> = [];
beforeAll(ready);
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A database at the schema before migration 016, with `count` entries its code wrote. */
async function databaseBefore016(count: number): Promise<Db> {
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
  for (let i = 1; i <= count; i++) appendVersion1(db, `P-${i}`);
  return db;
}

/** Three entries written before migration 016, then three after it. */
async function mixedChain(): Promise<Db> {
  const db = await databaseBefore016(3);
  expect(migrate(db).applied).toContain(16);
  for (let i = 4; i <= 6; i++) {
    appendAudit(db, {
      actor: 'agent:amina',
      action: 'payment.recorded',
      entity: 'payment',
      entityId: `P-${i}`,
    });
  }
  return db;
}

const versions = (db: Db) => db.prepare('SELECT hash_version FROM audit_log ORDER BY seq').pluck().all();
const row = (db: Db, seq: number) => db.prepare('SELECT * FROM audit_log WHERE seq = ?').get(seq) as AuditRow;

describe('node audit log: hash versions', () => {
  it('hashes a new entry as BLAKE2b-256 of the previous hash and the digest of the entry without it', async () => {
    const db = await mixedChain();
    const entry = entryFromRow(row(db, 4));
    expect(entry.version).toBe(2);
    const { version: _v, prevHash: _p, hash: _h, ...fields } = entry;
    const digest = sodium.crypto_generichash(32, utf8(canonicalJson({ v: 2, ...fields })), null, 'hex');
    expect(auditEntryDigest(entry)).toBe(digest);
    expect(entry.hash).toBe(auditChainStep(entry.prevHash, digest));
    expect(entry.prevHash).toBe(row(db, 3).hash);
  });

  it('keeps the entries written before migration 016 at version 1, and their hash covers the whole entry', async () => {
    const db = await mixedChain();
    expect(versions(db)).toEqual([1, 1, 1, 2, 2, 2]);
    const { hash, ...first } = entryFromRow(row(db, 1));
    expect(first).toMatchObject({ version: 1, prevHash: AUDIT_GENESIS_HASH });
    expect(hashAuditEntry(first)).toBe(hash);
    expect(hashAuditEntry({ ...first, version: 2 })).not.toBe(hash);
  });

  it('verifies a chain of version-1 entries followed by version-2 entries', async () => {
    const db = await mixedChain();
    expect(verifyAuditChain(db)).toMatchObject({ ok: true, length: 6, headHash: row(db, 6).hash });
  });

  it('verifies a chain read at the schema before migration 016, with no version column', async () => {
    const db = await databaseBefore016(3);
    expect(verifyAuditChain(db)).toMatchObject({ ok: true, length: 3 });
  });

  it.each([
    [2, 'a version-1 entry'],
    [5, 'a version-2 entry'],
  ])('detects an edit of entry %i, %s', async (seq) => {
    const db = await mixedChain();
    dropAuditGuards(db);
    db.prepare(`UPDATE audit_log SET actor = 'consul:jean' WHERE seq = ?`).run(seq);
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, firstBadSeq: seq, reason: 'altered_entry' });
  });

  it('detects a version-2 entry turned back to version 1 and rehashed, which no digest could prove', async () => {
    const db = await mixedChain();
    dropAuditGuards(db);
    db.prepare('UPDATE audit_log SET hash_version = 1 WHERE seq >= 5').run();
    rehashFrom(db, 5, { actor: 'consul:jean' });
    const verdict = verifyAuditChain(db);
    expect(verdict).toMatchObject({ ok: false, firstBadSeq: 5, reason: 'altered_entry' });
    expect(!verdict.ok && verdict.detail).toContain('hash version 1 after entries of version 2');
  });

  it('refuses a hash version it does not know, at the schema and in the verifier', async () => {
    const db = await mixedChain();
    dropAuditGuards(db);
    expect(() => db.prepare('UPDATE audit_log SET hash_version = 3 WHERE seq = 6').run()).toThrow(/CHECK/);
    db.exec('PRAGMA ignore_check_constraints = ON');
    db.prepare('UPDATE audit_log SET hash_version = 3 WHERE seq = 6').run();
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, firstBadSeq: 6, reason: 'altered_entry' });
  });
});
