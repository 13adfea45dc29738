import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createWalSync, type FileFlush } from '../node/db/wal-sync.js';
import { makeTempDir, type TempDir } from './_util/node-store.js';

let temp: TempDir | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

/** A flush that finishes when the test says so, recording each call. */
function controlledFlush() {
  const calls: { path: string; finish(error?: Error): void }[] = [];
  const flush: FileFlush = (path) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ path, finish: (error) => (error ? reject(error) : resolve()) });
    });
  return { flush, calls };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('WAL flush off the event loop', () => {
  it('answers a request only with a flush begun after it, and lets requests made meanwhile share the next one', async () => {
    const { flush, calls } = controlledFlush();
    const wal = createWalSync('/data/mission.sqlite-wal', flush);
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
    expect(calls[1]!.path).toBe('/data/mission.sqlite-wal');
    calls[1]!.finish();
    await Promise.all([second, third]);
    expect(settled).toEqual(['first', 'second', 'third']);
    expect(calls).toHaveLength(2);
  });

  it('rejects the requests of a failed flush, and the next request flushes again', async () => {
    const { flush, calls } = controlledFlush();
    const wal = createWalSync('/data/mission.sqlite-wal', flush);
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
    const { flush, calls } = controlledFlush();
    const wal = createWalSync('/data/mission.sqlite-wal', flush);
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

  it('flushes a real file, and refuses a WAL file that is not there', async () => {
    temp = await makeTempDir();
    const path = join(temp.dir, 'mission.sqlite-wal');
    await writeFile(path, 'frames');
    await expect(createWalSync(path).sync()).resolves.toBeUndefined();
    await expect(createWalSync(join(temp.dir, 'absent-wal')).sync()).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
