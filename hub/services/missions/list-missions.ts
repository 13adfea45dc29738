import type { Queryable } from '../../db/database.js';
import { type OffsiteBackupSummary, offsiteByMission } from '../offsite/last-stored.js';
import { LINK_COLUMNS, linkFiguresOf } from './link-figures.js';

/** A mission as the ministry's status page shows it (`GET /api/v1/missions`). */
export interface MissionStatus {
  readonly id: string;
  readonly name: string;
  readonly online: boolean;
  /** The timestamp the mission sealed on the newest message the hub took: its /healthz lastSentAt. */
  readonly lastSeenAt: string | null;
  /** When the hub took that message, by the hub's clock. */
  readonly lastReceivedAt: string | null;
  /** When the hub last applied a message after which the mission had nothing left to send. */
  readonly lastSyncAt: string | null;
  /** Events the mission had left to send after the newest message the hub applied. */
  readonly backlog: number;
  readonly backlogOldestAt: string | null;
  readonly softwareVersion: string | null;
  readonly revoked: boolean;
  readonly eventsReceived: number;
  /** The newest off-site generation the hub stored whole, or null before the first. */
  readonly offsiteBackup: OffsiteBackupSummary | null;
}

/** Every enrolled mission with its link status. */
export async function listMissions(db: Queryable, now: Date): Promise<MissionStatus[]> {
  const offsite = new Map((await offsiteByMission(db, now)).map((m) => [m.missionId, m.last]));
  const rows = await db.query<Record<string, unknown>>(
    `SELECT m.id, m.name, ${LINK_COLUMNS}, m.software_version,
            m.revoked_at IS NOT NULL AS revoked,
            (SELECT count(*) FROM mission_events e WHERE e.mission_id = m.id) AS events_received
       FROM missions m ORDER BY m.id`,
  );
  return rows.map((row) => {
    const link = linkFiguresOf(row);
    return {
      id: String(row.id),
      name: String(row.name),
      online: link.online,
      lastSeenAt: link.lastSeenAt?.toISOString() ?? null,
      lastReceivedAt: link.lastReceivedAt?.toISOString() ?? null,
      lastSyncAt: link.lastSyncAt?.toISOString() ?? null,
      backlog: link.backlog,
      backlogOldestAt: link.backlogOldestAt?.toISOString() ?? null,
      softwareVersion: (row.software_version as string | null) ?? null,
      revoked: Boolean(row.revoked),
      eventsReceived: Number(row.events_received ?? 0),
      offsiteBackup: offsite.get(String(row.id)) ?? null,
    };
  });
}
