import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commitGroupOf, createCommitGroup, durable } from '../node/db/commit-group.js';
import { openStore } from '../node/db/store.js';
import { createWalSync, type WalFile } from '../node/db/wal-sync.js';
import { descriptorsOn, openTempStore, type TempStore } from './_util/node-store.js';

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

/** A flush the test finishes by hand. */
function heldFlush() {
  const waiting: ((error?: Error) => void)[] = [];
  const file: WalFile = {
    datasync: () =>
      new Promise<void>((resolve, reject) => waiting.push((error) => (error ? reject(error) : resolve()))),
    close: async () => undefined,
  };
  return { file, finish: (error?: Error) => waiting.shift()?.(error), waiting };
}

const SYNCHRONOUS_FULL = 2;
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('group commit with the WAL flushed off the event loop', () => {
  it('answers nobody before the flush, though the batch is committed and the connection back to FULL', async () => {
    temp = await openTempStore();
    const { db } = temp.store;
    const held = heldFlush();
    const group = createCommitGroup(db, { walSync: createWalSync(held.file) });
    let answered = 0;
    const answers = ['cg.a', 'cg.b'].map((key) =>
      group
        .run(() =>
          db.prepare("INSERT INTO settings (key, value, updated_at) VALUES (?, 'v', 'now')").run(key),
        )
        .then(() => answered++),
    );
    await tick();
    await tick();
    // Committed: another connection sees the rows; the answers still wait for the disk.
    const other = new Database(temp.path, { readonly: true });
    expect(
      (other.prepare("SELECT count(*) AS n FROM settings WHERE key LIKE 'cg.%'").get() as { n: number }).n,
    ).toBe(2);
    other.close();
    expect(answered).toBe(0);
    expect(group.pending()).toBeInstanceOf(Promise);
    expect(db.pragma('synchronous', { simple: true })).toBe(SYNCHRONOUS_FULL);
    expect(held.waiting).toHaveLength(1);
    held.finish();
    await Promise.all(answers);
    expect(answered).toBe(2);
    expect(group.pending()).toBeUndefined();
  });

  it('tells every unit of the batch of a failed flush, successes and refusals alike, of the failure', async () => {
    temp = await openTempStore();
    const { db } = temp.store;
    const held = heldFlush();
    const group = createCommitGroup(db, { walSync: createWalSync(held.file) });
    const outcomes = Promise.allSettled([
      group.run(() => 'booked'),
      group.run(() => {
        throw new Error('slot full');
      }),
    ]);
    await tick();
    held.finish(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    const [booked, refused] = await outcomes;
    expect(booked).toMatchObject({ status: 'rejected', reason: { code: 'EIO' } });
    expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'EIO' } });
  });

  it('puts the connection back to FULL when the commit itself fails', async () => {
    temp = await openTempStore();
    const { db } = temp.store;
    const held = heldFlush();
    const group = createCommitGroup(db, { walSync: createWalSync(held.file) });
    db.exec(
      'CREATE TABLE cg_parent (id INTEGER PRIMARY KEY); CREATE TABLE cg_child (p INTEGER REFERENCES cg_parent(id))',
    );
    await expect(
      group.run(() => {
        db.pragma('defer_foreign_keys = ON');
        return db.prepare('INSERT INTO cg_child VALUES (7)').run();
      }),
    ).rejects.toThrow(/FOREIGN KEY/);
    expect(db.pragma('synchronous', { simple: true })).toBe(SYNCHRONOUS_FULL);
    expect(held.waiting).toHaveLength(0);
  });

  it("flushes a file database's WAL for real through the connection's own group", async () => {
    temp = await openTempStore();
    const { db } = temp.store;
    const group = commitGroupOf(db);
    expect(commitGroupOf(db)).toBe(group);
    const written = group.run(() =>
      db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('cg.real', 'v', 'now')").run(),
    );
    await tick();
    expect(durable(db)).toBeInstanceOf(Promise);
    await expect(written).resolves.toMatchObject({ changes: 1 });
    expect(durable(db)).toBeUndefined();
    expect(count(temp)).toBe(1);
  });

  it("keeps the WAL file open between flushes, and the store's close lets it go", async () => {
    temp = await openTempStore();
    const { db } = temp.store;
    const walDescriptors = () => descriptorsOn(`${temp!.path}-wal`);
    // SQLite's own descriptor of the WAL file, before the group opens one.
    const sqliteOwn = await walDescriptors();
    for (const key of ['cg.one', 'cg.two']) {
      await commitGroupOf(db).run(() =>
        db.prepare("INSERT INTO settings (key, value, updated_at) VALUES (?, 'v', 'now')").run(key),
      );
    }
    expect(await walDescriptors()).toBe(sqliteOwn + 1);
    temp.store.close();
    // The group lets the file go once its owed flushes are done, after close() has returned.
    await vi.waitFor(async () => expect(await walDescriptors()).toBe(0));
    // A new store on the same file gets a new group, with its own descriptor.
    const reopened = await openStore({ path: temp.path, dataKey: temp.dataKey });
    try {
      await commitGroupOf(reopened.db).run(() =>
        reopened.db
          .prepare("INSERT INTO settings (key, value, updated_at) VALUES ('cg.three', 'v', 'now')")
          .run(),
      );
      expect(await walDescriptors()).toBe(sqliteOwn + 1);
    } finally {
      reopened.close();
    }
  });
});
