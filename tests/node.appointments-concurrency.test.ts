import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { setCalendar } from '../node/services/appointments/calendar.js';
import {
  applicant,
  type BookingWorkerData,
  type BookingWorkerResult,
  codeFor,
  MONDAY_8AM,
  openMission,
  TUESDAY_9AM,
} from './_util/appointments.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const SERVICE = 'passport-renewal';
const WORKERS = 4;
const ATTEMPTS_PER_WORKER = 50;

/** Starts a worker thread with its own connection; resolves once it is ready to book. */
function startWorker(data: BookingWorkerData): { ready: Promise<void>; done: Promise<BookingWorkerResult> } {
  const worker = new Worker(new URL('./_util/appointments-worker.mjs', import.meta.url), {
    workerData: data,
  });
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const done = new Promise<BookingWorkerResult>((resolve, reject) => {
    worker.on('message', (message: { ready?: true; result?: BookingWorkerResult }) => {
      if (message.ready) markReady();
      if (message.result) resolve(message.result);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`booking worker exited with ${code}`)));
  });
  return { ready, done };
}

describe('node appointments: never over-booked', () => {
  it('gives the last 5 places of a slot to exactly 5 of 200 concurrent bookings from 4 connections', async () => {
    const mission = await openMission();
    cleanups.push(mission.cleanup);
    setCalendar(mission.store, SERVICE, { slotMinutes: 20, capacity: 8 });
    for (const n of [1, 2, 3]) {
      const { reference } = mission.appointments.book(
        { serviceCode: SERVICE, slotStart: TUESDAY_9AM, ...applicant(n) },
        'portal',
      );
      mission.appointments.confirm({ reference, code: codeFor(mission.store, reference) }, 'portal');
    }
    const go = new SharedArrayBuffer(4);
    const workers = Array.from({ length: WORKERS }, (_, index) =>
      startWorker({
        path: mission.path,
        dataKey: mission.dataKey,
        now: MONDAY_8AM,
        serviceCode: SERVICE,
        slotStart: TUESDAY_9AM,
        first: 1_000 + index * ATTEMPTS_PER_WORKER,
        count: ATTEMPTS_PER_WORKER,
        go,
      }),
    );
    await Promise.all(workers.map((worker) => worker.ready));
    Atomics.store(new Int32Array(go), 0, 1);
    Atomics.notify(new Int32Array(go), 0);
    const results = await Promise.all(workers.map((worker) => worker.done));

    expect(results.flatMap((result) => result.other)).toEqual([]);
    expect(results.flatMap((result) => result.booked)).toHaveLength(5);
    expect(results.reduce((sum, result) => sum + result.slotFull, 0)).toBe(WORKERS * ATTEMPTS_PER_WORKER - 5);
    const taken = mission.store.db
      .prepare(
        "SELECT count(*) AS n FROM appointments WHERE slot_start = ? AND state IN ('held', 'confirmed')",
      )
      .get(TUESDAY_9AM);
    expect(taken).toEqual({ n: 8 });
    const [slot] = mission.appointments.listSlots({
      serviceCode: SERVICE,
      from: '2026-03-03',
      to: '2026-03-03',
    });
    expect(slot).toMatchObject({ capacity: 8, remaining: 0 });
  }, 60_000);
});
