import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../node/db/db.js';
import { immediateTransaction, transaction, unsyncedTransaction } from '../node/db/transaction.js';
import { openTempStore, type TempStore } from './_util/node-store.js';

let temp: TempStore | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

function put(db: Db, key: string): void {
  db.prepare("INSERT INTO settings (key, value, updated_at) VALUES (?, 'v', 'now')").run(key);
}

function keys(db: Db): string[] {
  return (
    db.prepare("SELECT key FROM settings WHERE key LIKE 'tx.%' ORDER BY key").all() as { key: string }[]
  ).map((row) => row.key);
}

describe('transactions without a new transaction function per call', () => {
  it('commits what the work wrote and returns its result', async () => {
    temp = await openTempStore();
    const { db } = temp.store;
    const done = transaction(db, () => {
      put(db, 'tx.a');
      return 'done';
    });
    const two = immediateTransaction(db, () => {
      put(db, 'tx.b');
      return 2;
    });
    expect([done, two]).toEqual(['done', 2]);
    expect(keys(db)).toEqual(['tx.a', 'tx.b']);
    expect(db.inTransaction).toBe(false);
  });

  it('rolls back everything the work wrote when it throws, and passes the error on', async () => {
    temp = await openTempStore();
    const { db } = temp.store;
    const refused = new Error('refused');
    for (const run of [transaction, immediateTransaction]) {
      expect(() =>
        run(db, () => {
          put(db, 'tx.gone');
          throw refused;
        }),
      ).toThrow(refused);
    }
    expect(keys(db)).toEqual([]);
    expect(db.inTransaction).toBe(false);
  });

  it('nested, is a savepoint: its throw undoes its own writes, the outer ones commit', async () => {
    temp = await openTempStore();
    const { db } = temp.store;
    immediateTransaction(db, () => {
      put(db, 'tx.outer');
      expect(() =>
        immediateTransaction(db, () => {
          put(db, 'tx.inner');
          throw new Error('inner refused');
        }),
      ).toThrow('inner refused');
      transaction(db, () => put(db, 'tx.kept'));
    });
    expect(keys(db)).toEqual(['tx.kept', 'tx.outer']);
  });

  it('immediate takes the write lock at once; deferred only when it writes', async () => {
    temp = await openTempStore();
    const { db } = temp.store;
    const other = new Database(db.name, { timeout: 0 });
    try {
      const otherCanWrite = () => {
        try {
          other
            .prepare("INSERT INTO settings (key, value, updated_at) VALUES ('tx.other', 'v', 'now')")
            .run();
          other.prepare("DELETE FROM settings WHERE key = 'tx.other'").run();
          return true;
        } catch (error) {
          expect(error).toMatchObject({ code: 'SQLITE_BUSY' });
          return false;
        }
      };
      expect(immediateTransaction(db, otherCanWrite)).toBe(false);
      expect(transaction(db, otherCanWrite)).toBe(true);
    } finally {
      other.close();
    }
  });

  it('keeps one runner per connection: two databases do not share transactions', async () => {
    temp = await openTempStore();
    const { db } = temp.store;
    const memory = new Database(':memory:');
    try {
      memory.exec('CREATE TABLE t (x INTEGER)');
      immediateTransaction(db, () => {
        expect(memory.inTransaction).toBe(false);
        transaction(memory, () => memory.prepare('INSERT INTO t VALUES (1)').run());
        expect(memory.inTransaction).toBe(false);
        put(db, 'tx.file');
      });
      expect(memory.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 1 });
      expect(keys(db)).toEqual(['tx.file']);
    } finally {
      memory.close();
    }
  });

  it('unsynced: commits with synchronous=NORMAL, then gives the connection back its FULL, even on a throw', async () => {
    temp = await openTempStore();
    const { db } = temp.store;
    const synchronous = () => db.pragma('synchronous', { simple: true });
    expect(synchronous()).toBe(2);
    const during = unsyncedTransaction(db, () => {
      put(db, 'tx.acked');
      return synchronous();
    });
    expect(during).toBe(1);
    expect(synchronous()).toBe(2);
    expect(() =>
      unsyncedTransaction(db, () => {
        put(db, 'tx.lost');
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(synchronous()).toBe(2);
    expect(keys(db)).toEqual(['tx.acked']);
    // Inside a transaction it is a savepoint of it, which commits as that transaction does.
    immediateTransaction(db, () => unsyncedTransaction(db, () => expect(synchronous()).toBe(2)));
  });
});
