import type { Db } from '../../db/db.js';

type Wake = () => void;

// Per connection, like the commit groups: whoever writes to an outbox rings, whoever follows the
// outboxes (the change feed) answers. A WeakMap, so a closed connection takes its watchers with it.
const watchers = new WeakMap<Db, Set<Wake>>();

/**
 * Tells the watchers of this connection that an outbox row was written. Called inside the
 * transaction of the change: a watcher must look later (the row is not committed yet, and may
 * never be), never now.
 */
export function signalChange(db: Db): void {
  const set = watchers.get(db);
  if (set === undefined) return;
  for (const wake of set) wake();
}

/** Calls `wake` on every {@link signalChange} of the connection; returns the function that stops it. */
export function watchChanges(db: Db, wake: Wake): () => void {
  let set = watchers.get(db);
  if (set === undefined) {
    set = new Set();
    watchers.set(db, set);
  }
  set.add(wake);
  return () => set.delete(wake);
}
