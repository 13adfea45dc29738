import { afterEach, describe, expect, it } from 'vitest';
import { createCommitGroup } from '../node/db/commit-group.js';
import { openTempStore, type TempStore } from './_util/node-store.js';

let temp: TempStore | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

function count(temp: TempStore): number {
  return (
    temp.store.db.prepare("SELECT count(*) AS n FROM settings WHERE key LIKE 'cg.%'").get() as { n: number }
  ).n;
}

describe('group commit', () => {
  it('commits units queued together in one transaction, and a unit that refuses is rolled back alone', async () => {
    temp = await openTempStore();
    const { db } = temp.store;
    const group = createCommitGroup(db);
    const put = db.transaction((key: string, fail: boolean) => {
      db.prepare("INSERT INTO settings (key, value, updated_at) VALUES (?, 'v', 'now')").run(key);
      if (fail) throw Object.assign(new Error('refused'), { code: 'slot_full' });
      return key;
    });
    let ranOutsideTheGroupTransaction = 0;
    const outcomes = await Promise.allSettled(
      ['cg.a', 'cg.b', 'cg.c', 'cg.d'].map((key) =>
        group.run(() => {
          if (!db.inTransaction) ranOutsideTheGroupTransaction++;
          return put.immediate(key, key === 'cg.b');
        }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(outcomes[1]).toMatchObject({ reason: { code: 'slot_full' } });
    expect(ranOutsideTheGroupTransaction).toBe(0);
    expect(count(temp)).toBe(3);
  });

  it('keeps what a refusing unit recorded in its own inner transaction before refusing', async () => {
    temp = await openTempStore();
    const { db } = temp.store;
    const group = createCommitGroup(db);
    const recordAttempt = db.transaction(() =>
      db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('cg.attempt', '1', 'now')").run(),
    );
    await expect(
      group.run(() => {
        recordAttempt();
        throw new Error('wrong code');
      }),
    ).rejects.toThrow('wrong code');
    expect(count(temp)).toBe(1);
  });

  it('answers nobody with success when the commit itself fails', async () => {
    temp = await openTempStore();
    const { db } = temp.store;
    const group = createCommitGroup(db);
    db.exec(
      'CREATE TABLE cg_parent (id INTEGER PRIMARY KEY); CREATE TABLE cg_child (p INTEGER REFERENCES cg_parent(id))',
    );
    const outcomes = await Promise.allSettled([
      group.run(() => {
        // Deferred inside the transaction: the dangling reference is only refused at COMMIT.
        db.pragma('defer_foreign_keys = ON');
        return db.prepare('INSERT INTO cg_child VALUES (42)').run();
      }),
      group.run(() =>
        db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('cg.x', 'v', 'now')").run(),
      ),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(count(temp)).toBe(0);
  });
});
