import { renameSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { nudgeCheckpointer, startCheckpointer } from '../node/db/checkpointer.js';
import { openDatabase } from '../node/db/db.js';
import { openTempStore, type TempStore } from './_util/node-store.js';

let temp: TempStore | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

function writeRows(temp: TempStore, from: number, count: number): void {
  const insert = temp.store.db.prepare(
    "INSERT INTO settings (key, value, updated_at) VALUES (?, hex(randomblob(2000)), 'now')",
  );
  for (let i = from; i < from + count; i++) insert.run(`ck.${i}`);
}

describe('background checkpoints', () => {
  it('copies the WAL into the database file from its own thread, the connection keeping only a backstop', async () => {
    temp = await openTempStore();
    const { db } = temp.store;
    const rounds: { log: number; checkpointed: number }[] = [];
    const errors: Error[] = [];
    const checkpointer = startCheckpointer(db, {
      intervalMs: 20,
      onCheckpoint: (round) => rounds.push(round),
      onError: (error) => errors.push(error),
    });
    // Nothing runs until a commit group has committed.
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    nudgeCheckpointer(db);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(20_000);
    writeRows(temp, 0, 300);
    await expect
      .poll(() => rounds.some((round) => round.log > 0 && round.checkpointed === round.log))
      .toBe(true);
    // Everything written is in the file: a checkpoint asked now finds nothing left to copy.
    const [now] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
    expect(now!.checkpointed).toBe(now!.log);
    await checkpointer.stop();
    expect(errors).toEqual([]);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    // The connection goes on after the worker: writes and reads as before.
    writeRows(temp, 300, 10);
    expect(
      (db.prepare("SELECT count(*) AS n FROM settings WHERE key LIKE 'ck.%'").get() as { n: number }).n,
    ).toBe(310);
  });

  it('gives checkpoints back to the connection when the worker dies', async () => {
    temp = await openTempStore();
    const { db } = temp.store;
    const errors: Error[] = [];
    const checkpointer = startCheckpointer(db, { intervalMs: 20, onError: (error) => errors.push(error) });
    // The file moved away before the worker opens it: its thread fails and ends. The node's own
    // connection keeps its open file and goes on.
    renameSync(temp.path, `${temp.path}.moved`);
    nudgeCheckpointer(db);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(20_000);
    await expect.poll(() => errors.length).toBeGreaterThan(0);
    await expect.poll(() => db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(errors.map((error) => error.message).join(' ')).toMatch(
      /cannot open .*unable to open database file/,
    );
    // The next group commits do not start a worker that would fail the same way, each time.
    const reported = errors.length;
    nudgeCheckpointer(db);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(errors).toHaveLength(reported);
    await checkpointer.stop();
  });

  it('ends the worker when the node stops writing, and starts it again at the next group commit', async () => {
    temp = await openTempStore();
    const { db } = temp.store;
    const states: string[] = [];
    const errors: Error[] = [];
    const checkpointer = startCheckpointer(db, {
      intervalMs: 10,
      idleRounds: 3,
      onWorker: (state) => states.push(state),
      onError: (error) => errors.push(error),
    });
    nudgeCheckpointer(db);
    nudgeCheckpointer(db);
    writeRows(temp, 0, 20);
    await expect.poll(() => states).toEqual(['started', 'idle']);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    nudgeCheckpointer(db);
    expect(states).toEqual(['started', 'idle', 'started']);
    await checkpointer.stop();
    // Stopped: a later group commit starts nothing.
    nudgeCheckpointer(db);
    expect(states).toEqual(['started', 'idle', 'started']);
    expect(errors).toEqual([]);
  });

  it('does nothing for a database without a WAL', async () => {
    const db = openDatabase(':memory:');
    const checkpointer = startCheckpointer(db);
    nudgeCheckpointer(db);
    await expect(checkpointer.stop()).resolves.toBeUndefined();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    db.close();
  });
});
