import { afterEach, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import {
  appendEvent,
  markDelivered,
  newEvent,
  outboxBacklog,
  readBatch,
} from '../node/services/outbox/outbox.js';
import { bookedData } from './_util/event-data.js';
import { openTempStore, type TempStore } from './_util/node-store.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(): Promise<TempStore> {
  const temp = await openTempStore();
  cleanups.push(temp.cleanup);
  return temp;
}

const event = (n: number, data: Record<string, unknown> = bookedData({ note: `event ${n}` })) =>
  newEvent({
    kind: 'appointment.booked',
    entity: 'appointment',
    entityId: `A-${n}`,
    data,
    at: `2026-01-0${n}T10:00:00.000Z`,
  });

describe('node outbox', () => {
  it('returns undelivered events in seq order within the count limit', async () => {
    const { store } = await setup();
    const seqs = [1, 2, 3, 4].map((n) => appendEvent(store, event(n)));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const batch = readBatch(store, { limit: 3, maxBytes: 1_000_000 });
    expect(batch.map((item) => item.event.entityId)).toEqual(['A-1', 'A-2', 'A-3']);
    expect(batch.map((item) => item.seq)).toEqual(seqs.slice(0, 3));
  });

  it('reads only past a given seq when asked', async () => {
    const { store } = await setup();
    const seqs = [1, 2, 3].map((n) => appendEvent(store, event(n)));
    const batch = readBatch(store, { limit: 10, maxBytes: 1_000_000, afterSeq: seqs[0] ?? 0 });
    expect(batch.map((item) => item.seq)).toEqual(seqs.slice(1));
  });

  it('stops a batch at the byte budget but always returns at least one event', async () => {
    const { store } = await setup();
    const events = [1, 2, 3].map((n) => event(n, bookedData({ blob: 'x'.repeat(400) })));
    for (const one of events) appendEvent(store, one);
    // Room for two and a half events: the batch stops after two.
    const size = Buffer.byteLength(JSON.stringify(events[0]));
    expect(readBatch(store, { limit: 10, maxBytes: Math.floor(size * 2.5) })).toHaveLength(2);
    expect(readBatch(store, { limit: 10, maxBytes: 10 })).toHaveLength(1);
  });

  it('marks events delivered up to a seq and reports the backlog', async () => {
    const { store } = await setup();
    const seqs = [1, 2, 3].map((n) => appendEvent(store, event(n)));
    expect(outboxBacklog(store)).toEqual({
      count: 3,
      oldestSeq: seqs[0],
      oldestAt: '2026-01-01T10:00:00.000Z',
    });
    expect(markDelivered(store, seqs[1] ?? 0)).toBe(2);
    expect(markDelivered(store, seqs[1] ?? 0)).toBe(0);
    expect(outboxBacklog(store)).toEqual({
      count: 1,
      oldestSeq: seqs[2],
      oldestAt: '2026-01-03T10:00:00.000Z',
    });
    expect(readBatch(store, { limit: 10, maxBytes: 100_000 }).map((i) => i.seq)).toEqual([seqs[2]]);
    markDelivered(store, seqs[2] ?? 0);
    expect(outboxBacklog(store)).toEqual({ count: 0, oldestSeq: null, oldestAt: null });
  });

  it('refuses an event that does not match the protocol schema and writes nothing', async () => {
    const { store } = await setup();
    expect(() => appendEvent(store, { ...event(1), kind: 'Booked' })).toThrow(ZodError);
    expect(outboxBacklog(store).count).toBe(0);
  });

  it('keeps event data encrypted in the database', async () => {
    const { store } = await setup();
    appendEvent(store, event(1, bookedData({ registryName: 'Ngaïkoumon' })));
    const raw = store.db.prepare('SELECT data FROM outbox').pluck().get() as Buffer;
    expect(raw.includes(Buffer.from('Ngaïkoumon'))).toBe(false);
    expect(readBatch(store, { limit: 1, maxBytes: 10_000 })[0]?.event.data).toEqual(
      bookedData({ registryName: 'Ngaïkoumon' }),
    );
  });

  it('never reuses a seq, even after delivered events are pruned', async () => {
    const { store } = await setup();
    const first = appendEvent(store, event(1));
    markDelivered(store, first);
    store.db.prepare('DELETE FROM outbox WHERE delivered_at IS NOT NULL').run();
    expect(appendEvent(store, event(2))).toBeGreaterThan(first);
  });
});
