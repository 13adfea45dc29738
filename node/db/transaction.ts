import type Database from 'better-sqlite3';
import { type Db, writesThroughWal } from './db.js';

type Runner = Database.Transaction<(work: () => unknown) => unknown>;

const runners = new WeakMap<Db, Runner>();

/**
 * One better-sqlite3 transaction function per connection, taking the work as its argument.
 * `db.transaction(fn)` builds four wrapped functions and defines their properties on every call:
 * on the booking path, which opens four nested transactions per booking, that was 4 % of the
 * time and a share of the garbage.
 */
function runnerOf(db: Db): Runner {
  let runner = runners.get(db);
  if (runner === undefined) {
    runner = db.transaction((work: () => unknown) => work());
    runners.set(db, runner);
  }
  return runner;
}

/**
 * Runs `work` in a transaction that takes its locks as it goes (BEGIN DEFERRED): committed when
 * it returns, rolled back when it throws. Inside another transaction it is a savepoint: its own
 * throw undoes only its own writes.
 */
export function transaction<T>(db: Db, work: () => T): T {
  return runnerOf(db).deferred(work) as T;
}

/**
 * Runs `work` in a transaction that takes the write lock first (BEGIN IMMEDIATE): what it reads
 * cannot change under it before it writes, so a check-then-write (the last place of a slot) is
 * safe. Inside another transaction it is a savepoint, as {@link transaction}.
 */
export function immediateTransaction<T>(db: Db, work: () => T): T {
  return runnerOf(db).immediate(work) as T;
}

/**
 * Runs `work` as {@link transaction}, committed without waiting for the disk (synchronous=NORMAL
 * for this commit alone, in WAL mode): for state whose loss at a power cut costs nothing but a
 * question asked again, such as which off-site chunks the hub acknowledged (the hub names what it
 * still lacks when the manifest goes again). A power cut may lose it, never corrupt the file; the
 * next commit that waits for the disk carries it. Elsewhere it is an ordinary transaction.
 */
export function unsyncedTransaction<T>(db: Db, work: () => T): T {
  if (db.inTransaction || !writesThroughWal(db)) return transaction(db, work);
  const synchronous = db.pragma('synchronous', { simple: true }) as number;
  db.pragma('synchronous = NORMAL');
  try {
    return transaction(db, work);
  } finally {
    db.pragma(`synchronous = ${synchronous}`);
  }
}
