import { nudgeCheckpointer } from './checkpointer.js';
import { type Db, writesThroughWal } from './db.js';
import { immediateTransaction } from './transaction.js';
import { createWalSync, openWalFile, type WalSync } from './wal-sync.js';

/** Runs synchronous units of work together in one transaction: one commit, one disk sync. */
export interface CommitGroup {
  /** Queues `work`; resolves with its result once the transaction holding it has committed. */
  run<T>(work: () => T): Promise<T>;
  /** While committed work still waits for the disk, a promise of that; otherwise undefined. */
  pending(): Promise<void> | undefined;
  /** Waits for the disk flushes owed, then lets the WAL file go. */
  close(): Promise<void>;
}

interface Queued {
  readonly work: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** Options of {@link createCommitGroup}. */
export interface CommitGroupOptions {
  /**
   * Flushes the WAL after the group's commit, off the event loop. Without it each group commits
   * with the connection's own synchronous=FULL, waiting for the disk inside COMMIT.
   */
  readonly walSync?: WalSync;
}

/**
 * Group commit. With synchronous=FULL every commit waits for the disk (embassies lose power, so
 * a confirmed booking must be on disk); requests that arrive together share that wait. The work
 * queued during one turn of the event loop runs in one IMMEDIATE transaction. Each unit's own
 * transactions become savepoints inside it, so what a unit rolls back on its own it still rolls
 * back alone, and the others commit. Nobody is answered before the commit is on disk.
 *
 * With a {@link WalSync}, the group's transaction commits with synchronous=NORMAL (frames written,
 * no wait) and the answers wait for the WAL flush in the thread pool, so that the event loop goes
 * on parsing and checking the next requests while the disk works. The connection is back to FULL
 * before anything else runs on it: other writers keep waiting inside their own COMMIT.
 */
export function createCommitGroup(db: Db, options: CommitGroupOptions = {}): CommitGroup {
  const { walSync } = options;
  let queue: Queued[] = [];
  const setSynchronous = (mode: 'NORMAL' | 'FULL') => db.prepare(`PRAGMA synchronous = ${mode}`).run();
  const flush = () => {
    const batch = queue;
    queue = [];
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    if (walSync) setSynchronous('NORMAL');
    try {
      immediateTransaction(db, () => {
        for (const item of batch) {
          try {
            // Not wrapped in a savepoint of ours: a service that records something (a wrong code
            // counted) and then refuses keeps that record, as it would outside the group.
            outcomes.push({ ok: true, value: item.work() });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nothing of the batch is stored.
      for (const item of batch) item.reject(error);
      return;
    } finally {
      if (walSync) setSynchronous('FULL');
    }
    nudgeCheckpointer(db);
    const answer = () =>
      batch.forEach((item, index) => {
        const outcome = outcomes[index];
        if (outcome?.ok) item.resolve(outcome.value);
        else item.reject(outcome?.error);
      });
    if (!walSync) answer();
    // A failed flush leaves the batch's durability unknown: nobody is told it succeeded.
    else
      walSync.sync().then(answer, (error: unknown) => {
        for (const item of batch) item.reject(error);
      });
  };
  return {
    run<T>(work: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (queue.length === 0) setImmediate(flush);
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      });
    },
    pending: () => walSync?.pending(),
    close: async () => walSync?.close(),
  };
}

const groups = new WeakMap<Db, CommitGroup>();

/**
 * The commit group of a database connection (one per connection). A file database in WAL mode
 * gets its WAL flushed off the event loop; others (`:memory:`, read-only) commit as they are.
 */
export function commitGroupOf(db: Db): CommitGroup {
  let group = groups.get(db);
  if (!group) {
    const walSync = writesThroughWal(db) ? createWalSync(openWalFile(`${db.name}-wal`)) : undefined;
    group = createCommitGroup(db, { walSync });
    groups.set(db, group);
  }
  return group;
}

/**
 * Forgets the connection's commit group, if it has one: its owed flushes finish, then its WAL file
 * is closed. Call it when closing the connection.
 */
export function closeCommitGroup(db: Db): Promise<void> {
  const group = groups.get(db);
  groups.delete(db);
  return group?.close() ?? Promise.resolve();
}

/**
 * Resolves once everything committed through the connection's group is on disk (at once when
 * nothing waits). Whoever sends committed data out of the node awaits it first.
 */
export function durable(db: Db): Promise<void> | undefined {
  return groups.get(db)?.pending();
}
