import type { Queryable } from '../db/database.js';

/** A mission's link to the hub now: presence, last contact, what it still has to send. */
export interface MissionLink {
  readonly id: string;
  readonly name: string;
  readonly online: boolean;
  readonly lastSeenAt: Date | null;
  readonly backlog: number;
  readonly backlogOldestAt: Date | null;
}

/** Every enrolled, unrevoked mission (or one), by id. */
export async function missionLinks(db: Queryable, missionId?: string): Promise<MissionLink[]> {
  const rows = await db.query<{
    id: string;
    name: string;
    online: boolean;
    last_seen_at: Date | null;
    backlog_events: number;
    backlog_oldest_at: Date | null;
  }>(
    `SELECT id, name, online, last_seen_at, backlog_events, backlog_oldest_at FROM missions
      WHERE revoked_at IS NULL AND ($1::text IS NULL OR id = $1::text) ORDER BY id`,
    [missionId ?? null],
  );
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    online: row.online,
    lastSeenAt: asDate(row.last_seen_at),
    backlog: Number(row.backlog_events),
    backlogOldestAt: asDate(row.backlog_oldest_at),
  }));
}

function asDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(String(value));
}
