import { Worker } from 'node:worker_threads';
import type { Db } from './db.js';

/** A running background checkpointer. */
export interface Checkpointer {
  /** Stops the worker and gives checkpoints back to the connection's own commits. */
  stop(): Promise<void>;
}

/** Options of {@link startCheckpointer}. */
export interface CheckpointerOptions {
  /** How often the worker copies the WAL into the database file (ms). */
  readonly intervalMs?: number;
  /** Told when a checkpoint failed or the worker died (the connection then checkpoints itself again). */
  readonly onError?: (error: Error) => void;
  /** Told of each round that found the WAL changed: frames in it, frames copied so far. */
  readonly onCheckpoint?: (round: { log: number; checkpointed: number }) => void;
}

const WORKER_URL = new URL('./checkpoint-worker.mjs', import.meta.url);
/** SQLite's default: the committing connection checkpoints once the WAL holds this many pages. */
const OWN_CHECKPOINT_PAGES = 1000;
/**
 * While the worker runs, the connection still checkpoints past this many pages (16 MB at 4 KB):
 * a worker that falls behind or stalls never lets the WAL grow without bound.
 */
const BACKSTOP_PAGES = 4000;
const STOP_TIMEOUT_MS = 5000;

/**
 * Moves WAL checkpoints off the event loop. SQLite checkpoints inside the COMMIT that fills the
 * WAL past 1,000 pages: several milliseconds of writes and two disk flushes during which no
 * request is served. A worker thread with its own connection checkpoints every `intervalMs`
 * instead, and the connection keeps its own checkpoint only as a backstop. Nothing to do for a
 * database without a WAL (`:memory:`, read-only).
 */
export function startCheckpointer(db: Db, options: CheckpointerOptions = {}): Checkpointer {
  if (db.memory || db.readonly || db.pragma('journal_mode', { simple: true }) !== 'wal') {
    return { stop: async () => undefined };
  }
  const worker = new Worker(WORKER_URL, {
    workerData: { path: db.name, intervalMs: options.intervalMs ?? 250 },
  });
  // Never what keeps the process alive: the node stops it on close, a forgotten one dies with it.
  worker.unref();
  const takeBack = () => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${OWN_CHECKPOINT_PAGES}`);
  };
  db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  let stopping = false;
  worker.on('message', (message: { error?: string; log?: number; checkpointed?: number }) => {
    if (message.error !== undefined) options.onError?.(new Error(`checkpoint: ${message.error}`));
    else options.onCheckpoint?.({ log: message.log ?? 0, checkpointed: message.checkpointed ?? 0 });
  });
  // An error thrown in the worker arrives as a structured clone, not always as an Error.
  worker.on('error', (error: unknown) =>
    options.onError?.(
      error instanceof Error ? error : new Error(`checkpoint worker failed: ${String(error)}`),
    ),
  );
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      takeBack();
      if (!stopping) options.onError?.(new Error('the checkpoint worker stopped'));
      resolve();
    }),
  );
  return {
    async stop() {
      if (stopping) return exited;
      stopping = true;
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
