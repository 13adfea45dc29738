import { afterEach, describe, expect, it } from 'vitest';
import { collectCounters, queueStatsSnapshot } from '../node/jobs/stats-snapshot.js';
import { appendEvent, newEvent } from '../node/services/outbox/outbox.js';
import { firstPending } from '../node/services/outbox/pending-messages.js';
import { statsSnapshotSchema } from '../protocol/index.js';
import { fileOpenedData } from './_util/event-data.js';
import { openTempStore, type TempStore } from './_util/node-store.js';

let temp: TempStore | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

describe('stats snapshot job', () => {
  it('queues the mission counters for the hub as a valid stats.snapshot', async () => {
    temp = await openTempStore();
    const { store } = temp;
    appendEvent(
      store,
      newEvent({ kind: 'file.opened', entity: 'file', entityId: 'F1', data: fileOpenedData() }),
    );
    expect(collectCounters(store)).toMatchObject({ 'outbox.backlog': 1, 'appointments.held': 0 });
    queueStatsSnapshot(store, new Date('2026-11-26T10:00:00.000Z'));
    const pending = firstPending(store);
    expect(pending?.type).toBe('stats.snapshot');
    const body = statsSnapshotSchema.parse(pending?.body);
    expect(body.at).toBe('2026-11-26T10:00:00.000Z');
    expect(body.counters['outbox.backlog']).toBe(1);
  });
});
