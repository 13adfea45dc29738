import type { Database } from '../../hub/db/database.js';
import type { Store } from '../../node/db/store.js';
import { appendEvent, newEvent } from '../../node/services/outbox/outbox.js';

/** Writes `count` appointment events to a node's outbox; returns their ids in order. */
export function writeEvents(store: Store, count: number, tag: string): string[] {
  return Array.from({ length: count }, (_, i) => {
    const event = newEvent({
      kind: 'appointment.booked',
      entity: 'appointment',
      entityId: `${tag}-${i}`,
      data: { serviceCode: 'passport_renewal', slotStart: '2026-03-04T08:00:00.000Z', state: 'confirmed' },
    });
    appendEvent(store, event);
    return event.id;
  });
}

/**
 * A mission's events at the hub: their ids, and how many the dashboards' insert trigger counted.
 * The count is of applied effects, not rows behind a key: an event applied twice counts twice.
 */
export async function hubEventsOf(
  db: Database,
  missionId: string,
): Promise<{ ids: string[]; counted: number }> {
  const rows = await db.query<{ event_id: string }>(
    'SELECT event_id FROM mission_events WHERE mission_id = $1 ORDER BY event_id',
    [missionId],
  );
  const [sum] = await db.query<{ n: number | string | null }>(
    `SELECT sum(events) AS n FROM dashboard_counts WHERE mission_id = $1 AND grain = 'd'`,
    [missionId],
  );
  return { ids: rows.map((row) => row.event_id), counted: Number(sum?.n ?? 0) };
}

/** Events of a node's outbox the hub has not acknowledged. */
export function undelivered(store: Store): number {
  return (
    store.db.prepare('SELECT count(*) AS n FROM outbox WHERE delivered_at IS NULL').get() as { n: number }
  ).n;
}
