/**
 * The columns of a mission's link figures, as every reader selects them (alias `m` for missions):
 * the API, the dashboards and /metrics read the same row, so they cannot disagree.
 */
export const LINK_COLUMNS = `m.online, m.message_sent_at, m.message_received_at, m.synced_at,
  m.backlog_events, m.backlog_oldest_at`;

/** A mission's link as the hub knows it from what it took (PROTOCOL.md, "The hub's view of a mission"). */
export interface LinkFigures {
  /** The newer of the retained presence and the last message taken says it is connected. */
  readonly online: boolean;
  /** The timestamp the mission sealed on the newest message the hub took (its own /healthz lastSentAt). */
  readonly lastSeenAt: Date | null;
  /** When the hub took that message, by the hub's clock. */
  readonly lastReceivedAt: Date | null;
  /** When the hub last applied a message after which the mission had nothing left to send. */
  readonly lastSyncAt: Date | null;
  /** Outbox events the mission had left to send after the newest message the hub applied. */
  readonly backlog: number;
  readonly backlogOldestAt: Date | null;
}

/** The figures of a row selected with {@link LINK_COLUMNS}. */
export function linkFiguresOf(row: Record<string, unknown>): LinkFigures {
  return {
    online: Boolean(row.online),
    lastSeenAt: asDate(row.message_sent_at),
    lastReceivedAt: asDate(row.message_received_at),
    lastSyncAt: asDate(row.synced_at),
    backlog: Number(row.backlog_events ?? 0),
    backlogOldestAt: asDate(row.backlog_oldest_at),
  };
}

function asDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(String(value));
}
