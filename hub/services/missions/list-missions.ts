import type { Queryable } from '../../db/database.js';
import { iso } from '../directives/directive-status.js';

/** A mission as the ministry's status page shows it. */
export interface MissionStatus {
  readonly id: string;
  readonly name: string;
  readonly online: boolean;
  readonly lastSeenAt: string | null;
  readonly backlog: number;
  readonly backlogOldestAt: string | null;
  readonly softwareVersion: string | null;
  readonly revoked: boolean;
  readonly eventsReceived: number;
}

/** Every enrolled mission with its link status. */
export async function listMissions(db: Queryable): Promise<MissionStatus[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT m.id, m.name, m.online, m.last_seen_at, m.backlog_events, m.backlog_oldest_at, m.software_version,
            m.revoked_at IS NOT NULL AS revoked,
            (SELECT count(*) FROM mission_events e WHERE e.mission_id = m.id) AS events_received
       FROM missions m ORDER BY m.id`,
  );
  return rows.map((row) => ({
    id: String(row.id),
    name: String(row.name),
    online: Boolean(row.online),
    lastSeenAt: iso(row.last_seen_at),
    backlog: Number(row.backlog_events ?? 0),
    backlogOldestAt: iso(row.backlog_oldest_at),
    softwareVersion: (row.software_version as string | null) ?? null,
    revoked: Boolean(row.revoked),
    eventsReceived: Number(row.events_received ?? 0),
  }));
}
