import { eventDataSchemas, isEventKind, type MissionEvent } from '../../protocol/index.js';
import type { Queryable } from '../db/database.js';

/** Why an event's data was not what the hub reads of its kind. */
export type EventDataMismatch = 'unknown_kind' | 'unexpected_data';

/** One event the hub keeps but cannot read as its kind says. */
export interface UnreadEvent {
  readonly kind: string;
  readonly reason: EventDataMismatch;
  readonly detail: string;
}

/**
 * The events of a batch whose data does not match their kind's schema. They are kept all the
 * same (tolerant reader: a newer node may send what this hub does not know yet); counting them
 * keeps it visible.
 */
export function unreadEvents(events: readonly MissionEvent[]): UnreadEvent[] {
  const unread: UnreadEvent[] = [];
  for (const event of events) {
    if (!isEventKind(event.kind)) {
      unread.push({ kind: event.kind, reason: 'unknown_kind', detail: `event ${event.id}` });
      continue;
    }
    const parsed = eventDataSchemas[event.kind].safeParse(event.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.join('.') || 'data';
      unread.push({
        kind: event.kind,
        reason: 'unexpected_data',
        detail: `event ${event.id}: ${where}: ${issue?.message ?? 'invalid'}`,
      });
    }
  }
  return unread;
}

/** Counts unread events by kind and reason, keeping the latest mission and detail. */
export async function countUnreadEvents(
  tx: Queryable,
  missionId: string,
  unread: readonly UnreadEvent[],
  at: Date,
): Promise<void> {
  // One statement per kind and reason, however many events of the batch share them.
  const grouped = new Map<string, { event: UnreadEvent; count: number }>();
  for (const event of unread) {
    const key = `${event.reason}\u0000${event.kind}`;
    grouped.set(key, { event, count: (grouped.get(key)?.count ?? 0) + 1 });
  }
  for (const { event, count } of grouped.values()) {
    await tx.query(
      `INSERT INTO event_data_mismatches (kind, reason, count, last_at, last_mission, last_detail)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (kind, reason) DO UPDATE SET count = event_data_mismatches.count + EXCLUDED.count,
         last_at = EXCLUDED.last_at, last_mission = EXCLUDED.last_mission, last_detail = EXCLUDED.last_detail`,
      // The kind and detail come from a mission: bounded, so a flood cannot bloat the rows.
      [event.kind.slice(0, 100), event.reason, count, at, missionId, event.detail.slice(0, 500)],
    );
  }
}

/** The counts by kind and reason, for /metrics. */
export async function unreadEventCounts(
  db: Queryable,
): Promise<{ kind: string; reason: EventDataMismatch; count: number }[]> {
  const rows = await db.query<{ kind: string; reason: EventDataMismatch; count: string | number }>(
    'SELECT kind, reason, count FROM event_data_mismatches ORDER BY kind, reason',
  );
  return rows.map((row) => ({ ...row, count: Number(row.count) }));
}
