import { decryptField } from '../../crypto/field-cipher.js';
import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import { digestRecord } from '../audit/audit-hash.js';
import { appendAudit } from '../audit/audit-log.js';
import { decodePerson, type PersonRow } from '../people/people-codec.js';
import { parseInput, RollCallError, RollCallErrorCode } from './errors.js';
import { outcomeSchema, type RollCallOutcome, type RollCallStatus } from './roll-call-schema.js';
import { ROLL_CALL_ENTITY } from './roll-call-start.js';

/** One person of a roll-call, for an agent to call or visit. */
export interface RollCallPerson {
  readonly personId: string;
  readonly name: string;
  readonly phone: string | undefined;
  readonly address: string | undefined;
  readonly status: RollCallStatus;
  readonly answeredAt: string | null;
  readonly answerChannel: string | null;
  readonly outcome: RollCallOutcome | null;
}

/**
 * Records an agent's follow-up of one person, with their own status when given (set apart from the
 * household's phone), and audits it. Refused on a closed roll-call: its counts are final.
 */
export function recordOutcome(
  store: Store,
  rollCallId: string,
  personId: string,
  input: unknown,
  actor: string,
  now: Date,
): RollCallPerson {
  const parsed = parseInput(outcomeSchema, input);
  return immediateTransaction(store.db, () => {
    const state = store.db.prepare('SELECT state FROM roll_calls WHERE id = ?').pluck().get(rollCallId);
    if (state === undefined)
      throw new RollCallError(RollCallErrorCode.NotFound, `no roll-call ${rollCallId}`);
    if (state !== 'open') throw new RollCallError(RollCallErrorCode.Closed, 'the roll-call is closed');
    const at = now.toISOString();
    const changes = store.db
      .prepare(
        `UPDATE roll_call_targets SET outcome = @outcome, outcome_by = @actor, outcome_at = @at,
           status = coalesce(@status, status),
           answered_at = CASE WHEN @status IS NULL THEN answered_at ELSE @at END,
           answer_channel = CASE WHEN @status IS NULL THEN answer_channel ELSE 'agent' END
         WHERE roll_call_id = @rollCallId AND person_id = @personId`,
      )
      .run({
        outcome: parsed.outcome,
        status: parsed.status ?? null,
        actor,
        at,
        rollCallId,
        personId,
      }).changes;
    if (changes === 0)
      throw new RollCallError(RollCallErrorCode.TargetNotFound, 'the roll-call did not reach this person');
    appendAudit(store.db, {
      actor,
      action: 'roll_call.outcome',
      entity: ROLL_CALL_ENTITY,
      entityId: rollCallId,
      afterDigest: digestRecord(store.keys.audit, { personId, ...parsed }),
      at,
    });
    const [person] = rollCallPeople(store, rollCallId, { personId });
    if (person === undefined) throw new TypeError('the target just updated is gone');
    return person;
  });
}

interface TargetRow extends PersonRow {
  status: RollCallStatus;
  answered_at: string | null;
  answer_channel: string | null;
  target_outcome: RollCallOutcome | null;
}

/**
 * The people of a roll-call, with phone and address for a call or a visit: everyone, one person,
 * or those in some statuses (`need_help` and `no_answer` are the agents' list).
 */
export function rollCallPeople(
  store: Store,
  rollCallId: string,
  filter: { readonly personId?: string; readonly statuses?: readonly RollCallStatus[] } = {},
): RollCallPerson[] {
  const statuses = filter.statuses ?? [];
  const where = [
    't.roll_call_id = ?',
    ...(filter.personId === undefined ? [] : ['t.person_id = ?']),
    ...(statuses.length === 0 ? [] : [`t.status IN (${statuses.map(() => '?').join(', ')})`]),
  ];
  const rows = store.db
    .prepare(
      `SELECT p.*, t.status, t.answered_at, t.answer_channel, t.outcome AS target_outcome
       FROM roll_call_targets t JOIN people p ON p.id = t.person_id WHERE ${where.join(' AND ')}
       ORDER BY t.status, t.person_id`,
    )
    .all(rollCallId, ...(filter.personId === undefined ? [] : [filter.personId]), ...statuses) as TargetRow[];
  return rows.map((row) => {
    const person = decodePerson(store.keys, row);
    return {
      personId: row.id,
      name: `${person.givenNames} ${person.familyName}`,
      phone: person.phone,
      address: person.address,
      status: row.status,
      answeredAt: row.answered_at,
      answerChannel: row.answer_channel,
      outcome: row.target_outcome,
    };
  });
}

/** A reply kept for an agent to read: free text, or a reply after the end. */
export interface KeptReply {
  readonly from: string;
  readonly text: string;
  readonly disposition: 'free_text' | 'late';
  readonly receivedAt: string;
}

/** The replies of a roll-call kept for agents, last received first, decrypted. */
export function keptReplies(store: Store, rollCallId: string): KeptReply[] {
  const rows = store.db
    .prepare(
      `SELECT id, from_enc, text_enc, disposition, received_at FROM roll_call_inbound
       WHERE roll_call_id = ? AND disposition IN ('free_text', 'late') ORDER BY rowid DESC`,
    )
    .all(rollCallId) as {
    id: string;
    from_enc: Uint8Array;
    text_enc: Uint8Array;
    disposition: 'free_text' | 'late';
    received_at: string;
  }[];
  return rows.map((row) => {
    const bind = (column: string) => ({ table: 'roll_call_inbound', column, rowId: row.id });
    return {
      from: decryptField(store.keys.field, row.from_enc, bind('from_enc')),
      text: decryptField(store.keys.field, row.text_enc, bind('text_enc')),
      disposition: row.disposition,
      receivedAt: row.received_at,
    };
  });
}
