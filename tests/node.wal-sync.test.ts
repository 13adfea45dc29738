import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createWalSync, openWalFile, type WalFile } from '../node/db/wal-sync.js';
import { descriptorsOn, makeTempDir, type TempDir } from './_util/node-store.js';

let temp: TempDir | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

/** A WAL file whose flushes finish when the test says so, recording each call. */
function controlledFile() {
  const calls: { finish(error?: Error): void }[] = [];
  let closed = 0;
  const file: WalFile = {
    datasync: () =>
      new Promise<void>((resolve, reject) => {
        calls.push({ finish: (error) => (error ? reject(error) : resolve()) });
      }),
    close: async () => {
      closed++;
    },
  };
  return { file, calls, closed: () => closed };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('WAL flush off the event loop', () => {
  it('answers a request only with a flush begun after it, and lets requests made meanwhile share the next one', async () => {
    const { file, calls } = controlledFile();
    const wal = createWalSync(file);
    const settled: string[] = [];
    const first = wal.sync().then(() => settled.push('first'));
    await tick();
    expect(calls).toHaveLength(1);
    // These two were asked while the first flush ran: it may have begun before their writes.
    const second = wal.sync().then(() => settled.push('second'));
    const third = wal.sync().then(() => settled.push('third'));
    await tick();
    expect(calls).toHaveLength(1);
    calls[0]!.finish();
    await first;
    expect(settled).toEqual(['first']);
    await tick();
    expect(calls).toHaveLength(2);
    calls[1]!.finish();
    await Promise.all([second, third]);
    expect(settled).toEqual(['first', 'second', 'third']);
    expect(calls).toHaveLength(2);
  });

  it('rejects the requests of a failed flush, and the next request flushes again', async () => {
    const { file, calls } = controlledFile();
    const wal = createWalSync(file);
    const failing = wal.sync();
    const queued = wal.sync();
    calls[0]!.finish(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await expect(failing).rejects.toMatchObject({ code: 'EIO' });
    await tick();
    calls[1]!.finish(new Error('EIO again'));
    await expect(queued).rejects.toThrow('EIO again');
    const later = wal.sync();
    calls[2]!.finish();
    await expect(later).resolves.toBeUndefined();
  });

  it('tells whoever ships data out whether a flush is owed, and when it is done', async () => {
    const { file, calls } = controlledFile();
    const wal = createWalSync(file);
    expect(wal.pending()).toBeUndefined();
    void wal.sync();
    const failing = wal.sync().catch((error: Error) => error.message);
    const owed = wal.pending();
    expect(owed).toBeInstanceOf(Promise);
    let done = false;
    void owed!.then(() => {
      done = true;
    });
    calls[0]!.finish();
    await tick();
    // The second request's flush is still owed: pending() waited for it, not for the first.
    expect(done).toBe(false);
    calls[1]!.finish(new Error('EIO'));
    // A failure is for those who asked for the flush; the waiter is released either way.
    await owed;
    expect(done).toBe(true);
    expect(await failing).toBe('EIO');
    expect(wal.pending()).toBeUndefined();
  });

  it('closes the file only once the flushes owed have finished', async () => {
    const { file, calls, closed } = controlledFile();
    const wal = createWalSync(file);
    const first = wal.sync();
    const second = wal.sync();
    let isClosed = false;
    const closing = wal.close().then(() => {
      isClosed = true;
    });
    calls[0]!.finish();
    await first;
    await tick();
    expect(isClosed).toBe(false);
    calls[1]!.finish(new Error('EIO'));
    await expect(second).rejects.toThrow('EIO');
    await closing;
    expect(closed()).toBe(1);
  });

  it('flushes a real file through one descriptor, and refuses a WAL file that is not there', async () => {
    temp = await makeTempDir();
    const path = join(temp.dir, 'mission.sqlite-wal');
    await writeFile(path, 'frames');
    const wal = createWalSync(openWalFile(path));
    await expect(wal.sync()).resolves.toBeUndefined();
    await appendFile(path, 'more frames');
    await expect(wal.sync()).resolves.toBeUndefined();
    expect(await descriptorsOn(path)).toBe(1);
    await wal.close();
    expect(await descriptorsOn(path)).toBe(0);

    const absentPath = join(temp.dir, 'absent-wal');
    const absent = createWalSync(openWalFile(absentPath));
    await expect(absent.sync()).rejects.toMatchObject({ code: 'ENOENT' });
    // The next flush opens the file again: here it has appeared meanwhile.
    await writeFile(absentPath, 'frames');
    await expect(absent.sync()).resolves.toBeUndefined();
    expect(await descriptorsOn(absentPath)).toBe(1);
    await absent.close();
    expect(await descriptorsOn(absentPath)).toBe(0);
  });
});
