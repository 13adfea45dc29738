import { Transform } from 'node:stream';

/** How far a backup or restore has gone: pages copied by SQLite, then bytes through the cipher. */
export interface BackupProgress {
  readonly phase: 'copy' | 'encrypt' | 'decrypt';
  readonly unit: 'pages' | 'bytes';
  readonly done: number;
  readonly total: number;
}

/** Receives progress reports (a progress bar, a log line); must not throw. */
export type ProgressListener = (progress: BackupProgress) => void;

/** A pass-through stream that reports the bytes it has seen out of `total`. */
export function countingStream(
  phase: 'encrypt' | 'decrypt',
  total: number,
  onProgress: ProgressListener | undefined,
): Transform {
  let done = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.length;
      onProgress?.({ phase, unit: 'bytes', done, total });
      callback(null, chunk);
    },
  });
}
