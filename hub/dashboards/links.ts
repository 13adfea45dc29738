import type { Queryable } from '../db/database.js';
import { LINK_COLUMNS, type LinkFigures, linkFiguresOf } from '../services/missions/link-figures.js';

/** A mission's link to the hub now: presence, last contact, what it still has to send. */
export interface MissionLink extends LinkFigures {
  readonly id: string;
  readonly name: string;
}

/** Every enrolled, unrevoked mission (or one), by id. */
export async function missionLinks(db: Queryable, missionId?: string): Promise<MissionLink[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT m.id, m.name, ${LINK_COLUMNS} FROM missions m
      WHERE m.revoked_at IS NULL AND ($1::text IS NULL OR m.id = $1::text) ORDER BY m.id`,
    [missionId ?? null],
  );
  return rows.map((row) => ({ id: String(row.id), name: String(row.name), ...linkFiguresOf(row) }));
}
