import { Worker } from 'node:worker_threads';
import { type Db, writesThroughWal } from './db.js';

/** A background checkpointer, started by {@link startCheckpointer}. */
export interface Checkpointer {
  /** Stops the worker, if running, and gives checkpoints back to the connection's own commits. */
  stop(): Promise<void>;
}

/** Options of {@link startCheckpointer}. */
export interface CheckpointerOptions {
  /**
   * How often the worker copies the WAL into the database file (ms). Often, so that little is
   * left to copy when the connection's backstop checkpoint comes (under sustained writes the WAL
   * restarts only there): 50 ms gave a shorter tail than 250 in alternated booking runs.
   */
  readonly intervalMs?: number;
  /** Rounds without new frames after which the worker ends until the next group commit (10 s). */
  readonly idleRounds?: number;
  /** Told when a checkpoint failed or the worker died (the connection then checkpoints itself again). */
  readonly onError?: (error: Error) => void;
  /** Told of each round that found the WAL changed: frames in it, frames copied so far. */
  readonly onCheckpoint?: (round: { log: number; checkpointed: number }) => void;
  /** Told when the worker starts or, idle, ends. */
  readonly onWorker?: (state: 'started' | 'idle') => void;
}

const WORKER_URL = new URL('./checkpoint-worker.mjs', import.meta.url);
/** SQLite's default: the committing connection checkpoints once the WAL holds this many pages. */
const OWN_CHECKPOINT_PAGES = 1000;
/**
 * While the worker runs, the connection still checkpoints past this many pages (80 MB at 4 KB):
 * a worker that falls behind or stalls never lets the WAL grow without bound. Under sustained
 * writes the WAL restarts only there, and that checkpoint stalls the event loop (two disk
 * flushes): 20,000 pages made it rare enough for the booking tail (p99 56, 46 ms against 66,
 * 73 ms at 4,000 pages in alternated runs), and the WAL file keeps at most that size.
 */
const BACKSTOP_PAGES = 20_000;
const STOP_TIMEOUT_MS = 5000;
/** After a worker failed, group commits start no other for this long: one error a minute, not one a commit. */
const RETRY_AFTER_FAILURE_MS = 60_000;

const nudges = new WeakMap<Db, () => void>();

/** Tells the connection's checkpointer, if one was started, that a commit group has committed. */
export function nudgeCheckpointer(db: Db): void {
  nudges.get(db)?.();
}

interface WorkerMessage {
  readonly error?: string;
  readonly idle?: boolean;
  readonly log?: number;
  readonly checkpointed?: number;
}

/**
 * Moves WAL checkpoints off the event loop. SQLite checkpoints inside the COMMIT that fills the
 * WAL past 1,000 pages: several milliseconds of writes and two disk flushes during which no
 * request is served. While commit groups write (bookings, confirmations), a worker thread with
 * its own connection checkpoints every `intervalMs` instead, and the connection keeps its own
 * checkpoint only as a backstop. The worker ends after `idleRounds` rounds without news: an idle
 * node does not carry a second JavaScript heap. Nothing to do for a database without a WAL.
 */
export function startCheckpointer(db: Db, options: CheckpointerOptions = {}): Checkpointer {
  if (!writesThroughWal(db)) {
    return { stop: async () => undefined };
  }
  let running: { worker: Worker; exited: Promise<void> } | undefined;
  let stopped = false;
  let failedAt = Number.NEGATIVE_INFINITY;
  const report = (error: unknown) => {
    failedAt = Date.now();
    options.onError?.(
      // An error thrown in the worker arrives as a structured clone, not always as an Error.
      error instanceof Error ? error : new Error(`checkpoint worker failed: ${String(error)}`),
    );
  };

  const start = () => {
    const worker = new Worker(WORKER_URL, {
      workerData: {
        path: db.name,
        intervalMs: options.intervalMs ?? 50,
        idleRounds: options.idleRounds ?? 200,
      },
      // It holds nothing but a connection: a small heap.
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
    });
    // Never what keeps the process alive: the node stops it on close, a forgotten one dies with it.
    worker.unref();
    let idle = false;
    worker.on('message', (message: WorkerMessage) => {
      if (message.idle) idle = true;
      else if (message.error !== undefined) report(new Error(`checkpoint: ${message.error}`));
      else options.onCheckpoint?.({ log: message.log ?? 0, checkpointed: message.checkpointed ?? 0 });
    });
    worker.on('error', report);
    const exited = new Promise<void>((resolve) =>
      worker.once('exit', (code) => {
        running = undefined;
        if (db.open) db.pragma(`wal_autocheckpoint = ${OWN_CHECKPOINT_PAGES}`);
        if (idle) options.onWorker?.('idle');
        else if (!stopped && code !== 0)
          report(new Error(`the checkpoint worker stopped (exit code ${code})`));
        resolve();
      }),
    );
    running = { worker, exited };
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
    options.onWorker?.('started');
  };

  nudges.set(db, () => {
    if (!running && !stopped && db.open && Date.now() - failedAt >= RETRY_AFTER_FAILURE_MS) start();
  });
  return {
    async stop() {
      stopped = true;
      nudges.delete(db);
      const current = running;
      if (!current) return;
      current.worker.postMessage('stop');
      const timer = setTimeout(() => void current.worker.terminate(), STOP_TIMEOUT_MS);
      await current.exited;
      clearTimeout(timer);
    },
  };
}
