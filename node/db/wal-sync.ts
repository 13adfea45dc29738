import { type FileHandle, open } from 'node:fs/promises';

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
  /** Waits for the flushes owed, then closes the file. */
  close(): Promise<void>;
}

/** The WAL file as a flush sees it; tests pass slow or failing ones. */
export interface WalFile {
  /** Puts the file's written data on disk. */
  datasync(): Promise<void>;
  /** Lets the file go; a later datasync opens it again. */
  close(): Promise<void>;
}

/**
 * The WAL file at `path`, opened at its first flush and kept open. A handle per flush (open,
 * fdatasync, close) made three trips through libuv's thread pool, and each completion waits for
 * the event loop to finish the commit group it is running: a booking's answer waited three
 * turns of the loop for its flush instead of one (server-side median 28–43 → 17–23 ms in the
 * booking benchmark). SQLite keeps the same WAL file while the node's connection is open; a
 * restore, which replaces it, runs with the node stopped.
 */
export function openWalFile(path: string): WalFile {
  let handle: Promise<FileHandle> | undefined;
  const opened = () => {
    if (handle === undefined) {
      const opening = open(path, 'r');
      handle = opening;
      // A failed open is reported to this flush's callers; the next flush tries again.
      opening.catch(() => {
        if (handle === opening) handle = undefined;
      });
    }
    return handle;
  };
  return {
    async datasync() {
      await (await opened()).datasync();
    },
    async close() {
      const closing = handle;
      handle = undefined;
      await (await closing?.catch(() => undefined))?.close();
    },
  };
}

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
 * A {@link WalSync} for a WAL file ({@link openWalFile} of the database path + `-wal`). Requests
 * that come while a flush is running share the next one: a flush already under way may have
 * started before their frames were written, so it cannot answer for them.
 */
export function createWalSync(file: WalFile): WalSync {
  let running: Promise<void> | undefined;
  let next: Deferred | undefined;

  function flush(): Promise<void> {
    const flushing = file.datasync();
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
    pending,
    async close() {
      // The flushes owed still run on the open file; then it is let go.
      for (let owed = pending(); owed !== undefined; owed = pending()) await owed;
      await file.close();
    },
  };

  function pending() {
    const owed = next?.promise ?? running;
    // Callers only wait on it; a failure is reported to those who asked for the sync.
    return owed?.catch(() => undefined);
  }
}
