import { open } from 'node:fs/promises';

/**
 * Puts the write-ahead log on disk off the event loop. A commit made with synchronous=NORMAL has
 * written its frames to the WAL but not waited for the disk; `sync()` then flushes the file in
 * libuv's thread pool, and callers answer only once it resolves: the same guarantee as
 * synchronous=FULL (which waits inside COMMIT, blocking every request), at the same disk cost.
 */
export interface WalSync {
  /** Resolves once everything written to the WAL before the call is on disk; rejects if the flush failed. */
  sync(): Promise<void>;
  /**
   * While a sync is owed (requested and not finished), the promise of the last one; otherwise
   * undefined. Whoever ships committed data out of the node waits for it (the SMS dispatcher; the
   * hub link's own FULL commit flushes the WAL): what leaves must not be lost to a power cut.
   */
  pending(): Promise<void> | undefined;
}

/** Flushes a file's data to disk; tests pass slow or failing ones. */
export type FileFlush = (path: string) => Promise<void>;

// A handle per flush rather than one kept open: always the file now at the path, and nothing to
// close when the store closes. Linux flushes the file's pages whichever handle wrote them.
const flushFile: FileFlush = async (path) => {
  const handle = await open(path, 'r');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
};

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * A {@link WalSync} for the WAL file at `walPath` (the database path + `-wal`). Requests that come
 * while a flush is running share the next one: a flush already under way may have started before
 * their frames were written, so it cannot answer for them.
 */
export function createWalSync(walPath: string, flushWal: FileFlush = flushFile): WalSync {
  let running: Promise<void> | undefined;
  let next: Deferred | undefined;

  function flush(): Promise<void> {
    const flushing = flushWal(walPath);
    running = flushing;
    const after = () => {
      running = undefined;
      const waiting = next;
      next = undefined;
      if (waiting) flush().then(waiting.resolve, waiting.reject);
    };
    flushing.then(after, after);
    return flushing;
  }

  return {
    sync() {
      if (!running) return flush();
      next ??= deferred();
      return next.promise;
    },
    pending() {
      const owed = next?.promise ?? running;
      // Callers only wait on it; a failure is reported to those who asked for the sync.
      return owed?.catch(() => undefined);
    },
  };
}
