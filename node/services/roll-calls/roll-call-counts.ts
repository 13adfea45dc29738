import type { Store } from '../../db/store.js';
import { RollCallError, RollCallErrorCode } from './errors.js';
import { type NeedHelpRequest, needHelpRequestOf } from './roll-call-need-help.js';
import type { Zone } from './roll-call-schema.js';

/**
 * Where a roll-call stands. `reached`: people who answered in any way (a code, free text, an
 * agent who got through to them); `noAnswer`: the others. So reached + noAnswer = people, and
 * safe + needHelp + notInZone ≤ reached (free text only counts as reached).
 */
export interface RollCallCounts {
  readonly people: number;
  readonly phones: number;
  readonly reached: number;
  readonly safe: number;
  readonly needHelp: number;
  readonly notInZone: number;
  readonly noAnswer: number;
  /** Replies kept for an agent to read: free text, and replies after the end. */
  readonly repliesAside: number;
}

/** A roll-call as agents read it. */
export interface RollCall {
  readonly id: string;
  readonly title: string;
  readonly message: { readonly fr: string; readonly sg: string; readonly en: string };
  readonly zone: Zone;
  readonly endsAt: string;
  readonly state: 'open' | 'closed';
  readonly origin: 'local' | 'directive';
  readonly directiveId: string | null;
  readonly startedBy: string;
  readonly startedAt: string;
  readonly closedBy: string | null;
  readonly closedAt: string | null;
  /** When the answers were purged; the counts are then the ones kept at the purge. */
  readonly answersPurgedAt: string | null;
  readonly counts: RollCallCounts;
  /** The ministry's request for the list of the people who need help, and the consul's word. */
  readonly needHelpList: NeedHelpRequest;
}

interface RollCallRow {
  id: string;
  title: string;
  message_fr: string;
  message_sg: string;
  message_en: string;
  zone: string;
  ends_at: string;
  state: 'open' | 'closed';
  origin: 'local' | 'directive';
  directive_id: string | null;
  started_by: string;
  started_at: string;
  closed_by: string | null;
  closed_at: string | null;
  summary: string | null;
  answers_purged_at: string | null;
  need_help_requested: number;
  need_help_decision: 'approved' | 'refused' | null;
  need_help_decided_by: string | null;
  need_help_decided_at: string | null;
  need_help_digest: Uint8Array | null;
}

/** A roll-call with its counts; throws roll_call_not_found. */
export function loadRollCall(store: Store, id: string): RollCall {
  const row = store.db.prepare('SELECT * FROM roll_calls WHERE id = ?').get(id) as RollCallRow | undefined;
  if (row === undefined) throw new RollCallError(RollCallErrorCode.NotFound, `no roll-call ${id}`);
  return {
    id: row.id,
    title: row.title,
    message: { fr: row.message_fr, sg: row.message_sg, en: row.message_en },
    zone: JSON.parse(row.zone) as Zone,
    endsAt: row.ends_at,
    state: row.state,
    origin: row.origin,
    directiveId: row.directive_id,
    startedBy: row.started_by,
    startedAt: row.started_at,
    closedBy: row.closed_by,
    closedAt: row.closed_at,
    answersPurgedAt: row.answers_purged_at,
    counts: row.summary === null ? countAnswers(store, id) : (JSON.parse(row.summary) as RollCallCounts),
    needHelpList: needHelpRequestOf(row),
  };
}

/** Roll-calls, newest first. */
export function listRollCalls(store: Store, limit = 50): RollCall[] {
  const ids = store.db
    .prepare('SELECT id FROM roll_calls ORDER BY started_at DESC LIMIT ?')
    .pluck()
    .all(limit) as string[];
  return ids.map((id) => loadRollCall(store, id));
}

const REACHED_OUTCOMES = "('reached_by_phone', 'visited', 'evacuated')";

/** The counts computed from the answers (before they are purged). */
export function countAnswers(store: Store, id: string): RollCallCounts {
  const row = store.db
    .prepare(
      `SELECT count(*) AS people,
         coalesce(sum(status = 'safe'), 0) AS safe,
         coalesce(sum(status = 'need_help'), 0) AS needHelp,
         coalesce(sum(status = 'not_in_zone'), 0) AS notInZone,
         coalesce(sum(status <> 'no_answer' OR free_text_at IS NOT NULL OR outcome IN ${REACHED_OUTCOMES}), 0) AS reached
       FROM roll_call_targets WHERE roll_call_id = ?`,
    )
    .get(id) as { people: number; safe: number; needHelp: number; notInZone: number; reached: number };
  const phones = store.db
    .prepare('SELECT count(*) FROM roll_call_phones WHERE roll_call_id = ?')
    .pluck()
    .get(id) as number;
  const repliesAside = store.db
    .prepare(
      `SELECT count(*) FROM roll_call_inbound WHERE roll_call_id = ? AND disposition IN ('free_text', 'late')`,
    )
    .pluck()
    .get(id) as number;
  return { ...row, phones, noAnswer: row.people - row.reached, repliesAside };
}
