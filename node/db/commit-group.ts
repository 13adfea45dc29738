import type { Db } from './db.js';

/** Runs synchronous units of work together in one transaction: one commit, one disk sync. */
export interface CommitGroup {
  /** Queues `work`; resolves with its result once the transaction holding it has committed. */
  run<T>(work: () => T): Promise<T>;
}

interface Queued {
  readonly work: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit. With synchronous=FULL every commit waits for the disk (embassies lose power, so
 * a confirmed booking must be on disk); requests that arrive together share that wait. The work
 * queued during one turn of the event loop runs in one IMMEDIATE transaction. Each unit's own
 * transactions become savepoints inside it, so what a unit rolls back on its own it still rolls
 * back alone, and the others commit. Nobody is answered before the commit.
 */
export function createCommitGroup(db: Db): CommitGroup {
  let queue: Queued[] = [];
  const flush = () => {
    const batch = queue;
    queue = [];
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      db.transaction(() => {
        for (const item of batch) {
          try {
            // Not wrapped in a savepoint of ours: a service that records something (a wrong code
            // counted) and then refuses keeps that record, as it would outside the group.
            outcomes.push({ ok: true, value: item.work() });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      }).immediate();
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nothing of the batch is stored.
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, index) => {
      const outcome = outcomes[index];
      if (outcome?.ok) item.resolve(outcome.value);
      else item.reject(outcome?.error);
    });
  };
  return {
    run<T>(work: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (queue.length === 0) setImmediate(flush);
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      });
    },
  };
}

const groups = new WeakMap<Db, CommitGroup>();

/** The commit group of a database connection (one per connection). */
export function commitGroupOf(db: Db): CommitGroup {
  let group = groups.get(db);
  if (!group) {
    group = createCommitGroup(db);
    groups.set(db, group);
  }
  return group;
}
