import type { RollCallNeedHelpPerson } from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';

/** One mission's list of the people who need help in a roll-call the ministry ordered. */
export interface MissionNeedHelpList {
  readonly missionId: string;
  readonly missionName: string;
  readonly rollCallId: string;
  readonly listedAt: string;
  readonly people: readonly RollCallNeedHelpPerson[];
}

/**
 * The lists of the people who need help that the target missions of a roll-call sent, each as last
 * sent, mission by mission; withdrawn and purged lists are not among them.
 */
export async function loadNeedHelpLists(db: Queryable, directiveId: string): Promise<MissionNeedHelpList[]> {
  const rows = await db.query<{
    mission_id: string;
    mission_name: string | null;
    roll_call_id: string;
    listed_at: Date | string;
    people: RollCallNeedHelpPerson[] | string;
  }>(
    `SELECT n.mission_id, m.name AS mission_name, n.roll_call_id, n.listed_at, n.people
       FROM roll_call_need_help n
       JOIN directive_status s ON s.directive_id = n.directive_id AND s.mission_id = n.mission_id
       JOIN missions m ON m.id = n.mission_id
      WHERE n.directive_id = $1::uuid AND n.sharing = 'approved'
      ORDER BY n.mission_id`,
    [directiveId],
  );
  return rows.map((row) => ({
    missionId: row.mission_id,
    missionName: row.mission_name ?? row.mission_id,
    rollCallId: row.roll_call_id,
    listedAt: new Date(row.listed_at).toISOString(),
    people:
      typeof row.people === 'string' ? (JSON.parse(row.people) as RollCallNeedHelpPerson[]) : row.people,
  }));
}
