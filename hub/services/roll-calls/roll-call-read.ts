import type { RollCallOrder } from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';

/** The counts of a roll-call, as the missions report them (never a person). */
export interface RollCallTotals {
  readonly people: number;
  readonly reached: number;
  readonly safe: number;
  readonly needHelp: number;
  readonly notInZone: number;
  readonly noAnswer: number;
}

/** Where a roll-call stands at one mission: reported counts, or nothing yet. */
export interface MissionRollCall {
  readonly missionId: string;
  readonly missionName: string;
  /** When the mission stored the directive; null when it has not yet. */
  readonly receivedAt: string | null;
  /** The mission's id of its roll-call; null until its first counts arrive. */
  readonly rollCallId: string | null;
  readonly state: 'open' | 'closed' | null;
  readonly countedAt: string | null;
  readonly counts: RollCallTotals | null;
}

/** A roll-call the ministry ordered, with its counts network-wide (the sum of the missions'). */
export interface OrderedRollCall {
  readonly id: string;
  readonly title: string;
  readonly endsAt: string;
  readonly issuedAt: string;
  readonly issuedBy: string;
  readonly needHelpList: boolean;
  /** Target missions, and how many reported counts. */
  readonly missionCount: number;
  readonly reporting: number;
  readonly totals: RollCallTotals;
}

/** An ordered roll-call with its message, zone and each mission's counts. */
export interface RollCallDetail extends OrderedRollCall {
  readonly message: RollCallOrder['message'];
  readonly zone: RollCallOrder['zone'];
  readonly missions: MissionRollCall[];
}

/** A roll-call a mission started itself, with its counts. */
export interface LocalRollCall {
  readonly missionId: string;
  readonly rollCallId: string;
  readonly title: string;
  readonly state: 'open' | 'closed';
  readonly startedAt: string;
  readonly countedAt: string;
  readonly counts: RollCallTotals;
}

const COUNT_COLUMNS = `people, reached, safe, need_help AS "needHelp", not_in_zone AS "notInZone", no_answer AS "noAnswer"`;

type Time = Date | string;
const iso = (value: Time) => new Date(value).toISOString();
const isoOrNull = (value: Time | null) => (value === null ? null : iso(value));

interface OrderRow {
  id: string;
  roll_call: RollCallOrder;
  issued_at: Time;
  issued_by: string;
  mission_count: number | string;
  reporting: number | string;
  people: number | string | null;
  reached: number | string | null;
  safe: number | string | null;
  need_help: number | string | null;
  not_in_zone: number | string | null;
  no_answer: number | string | null;
}

// The counts of the directive's target missions only: a mission not sent the directive that names
// it in its counts is not added in.
const ORDER_SELECT = `SELECT d.id, d.roll_call, d.issued_at, d.issued_by,
    (SELECT count(*) FROM directive_status s WHERE s.directive_id = d.id) AS mission_count,
    t.reporting, t.people, t.reached, t.safe, t.need_help, t.not_in_zone, t.no_answer
  FROM directives d
  LEFT JOIN LATERAL (
    SELECT count(*) AS reporting, sum(c.people) AS people, sum(c.reached) AS reached, sum(c.safe) AS safe,
           sum(c.need_help) AS need_help, sum(c.not_in_zone) AS not_in_zone, sum(c.no_answer) AS no_answer
      FROM roll_call_counts c
      JOIN directive_status s ON s.directive_id = c.directive_id AND s.mission_id = c.mission_id
     WHERE c.directive_id = d.id
  ) t ON true
  WHERE d.roll_call IS NOT NULL`;

function orderOf(row: OrderRow): OrderedRollCall {
  const n = (value: number | string | null) => Number(value ?? 0);
  return {
    id: row.id,
    title: row.roll_call.title,
    endsAt: row.roll_call.endsAt,
    issuedAt: iso(row.issued_at),
    issuedBy: row.issued_by,
    needHelpList: row.roll_call.needHelpList,
    missionCount: n(row.mission_count),
    reporting: n(row.reporting),
    totals: {
      people: n(row.people),
      reached: n(row.reached),
      safe: n(row.safe),
      needHelp: n(row.need_help),
      notInZone: n(row.not_in_zone),
      noAnswer: n(row.no_answer),
    },
  };
}

/** The roll-calls the ministry ordered, newest first. */
export async function listOrderedRollCalls(db: Queryable, limit = 100): Promise<OrderedRollCall[]> {
  const rows = await db.query<OrderRow>(`${ORDER_SELECT} ORDER BY d.issued_at DESC LIMIT $1`, [limit]);
  return rows.map(orderOf);
}

/** The roll-calls missions started themselves, newest first. */
export async function listLocalRollCalls(db: Queryable, limit = 100): Promise<LocalRollCall[]> {
  const rows = await db.query<RollCallTotals & Record<string, unknown>>(
    `SELECT mission_id AS "missionId", roll_call_id AS "rollCallId", title, state, started_at AS "startedAt",
            counted_at AS "countedAt", ${COUNT_COLUMNS}
       FROM roll_call_counts WHERE directive_id IS NULL ORDER BY started_at DESC LIMIT $1`,
    [limit],
  );
  return rows.map((row) => ({
    missionId: String(row.missionId),
    rollCallId: String(row.rollCallId),
    title: String(row.title),
    state: row.state as 'open' | 'closed',
    startedAt: iso(row.startedAt as Time),
    countedAt: iso(row.countedAt as Time),
    counts: countsOf(row),
  }));
}

/** A roll-call the ministry ordered, with each target mission's counts; undefined when unknown. */
export async function loadRollCallDetail(db: Queryable, id: string): Promise<RollCallDetail | undefined> {
  const [row] = await db.query<OrderRow>(`${ORDER_SELECT} AND d.id = $1::uuid`, [id]);
  if (!row) return undefined;
  const missions = await db.query<Record<string, unknown>>(
    `SELECT s.mission_id AS "missionId", m.name AS "missionName", s.received_at AS "receivedAt",
            c.roll_call_id AS "rollCallId", c.state, c.counted_at AS "countedAt", ${prefixed('c')}
       FROM directive_status s JOIN missions m ON m.id = s.mission_id
       LEFT JOIN roll_call_counts c ON c.mission_id = s.mission_id AND c.directive_id = s.directive_id
      WHERE s.directive_id = $1::uuid ORDER BY s.mission_id`,
    [id],
  );
  return {
    ...orderOf(row),
    message: row.roll_call.message,
    zone: row.roll_call.zone,
    missions: missions.map((mission) => ({
      missionId: String(mission.missionId),
      missionName: String(mission.missionName ?? mission.missionId),
      receivedAt: isoOrNull(mission.receivedAt as Time | null),
      rollCallId: (mission.rollCallId as string | null) ?? null,
      state: (mission.state as 'open' | 'closed' | null) ?? null,
      countedAt: isoOrNull(mission.countedAt as Time | null),
      counts: mission.rollCallId === null ? null : countsOf(mission),
    })),
  };
}

function prefixed(alias: string): string {
  return COUNT_COLUMNS.replace(/(^|, )([a-z_]+)/g, `$1${alias}.$2`);
}

function countsOf(row: Record<string, unknown>): RollCallTotals {
  const n = (key: keyof RollCallTotals) => Number(row[key] ?? 0);
  return {
    people: n('people'),
    reached: n('reached'),
    safe: n('safe'),
    needHelp: n('needHelp'),
    notInZone: n('notInZone'),
    noAnswer: n('noAnswer'),
  };
}
