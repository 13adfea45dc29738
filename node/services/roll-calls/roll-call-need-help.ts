import {
  type NeedHelpSharing,
  RollCallEvents,
  type RollCallNeedHelpData,
  type RollCallNeedHelpPerson,
  sodium,
  utf8,
} from '../../../protocol/index.js';
import { decryptField, decryptOptional } from '../../crypto/field-cipher.js';
import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import { digestRecord } from '../audit/audit-hash.js';
import { appendAudit } from '../audit/audit-log.js';
import { RollCallError, RollCallErrorCode } from './errors.js';
import { cityOf } from './roll-call-city.js';
import { replaceUnsealedEvent } from './roll-call-outbox.js';
import type { Zone } from './roll-call-schema.js';
import { ROLL_CALL_ENTITY } from './roll-call-start.js';

/** The consul's word on the ministry's request for the list of the people who need help. */
export type NeedHelpDecision = 'approve' | 'refuse';

/** Where the ministry's request for a roll-call's list stands at the mission. */
export interface NeedHelpRequest {
  /** The directive that ordered the roll-call asked for the list. */
  readonly requested: boolean;
  /** The consul's word; null until given. `refused` after an approval withdrew it. */
  readonly decision: 'approved' | 'refused' | null;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  /** A list (or its withdrawal) was written for the hub at least once. */
  readonly sent: boolean;
}

interface ListRow {
  directive_id: string | null;
  zone: string;
  state: 'open' | 'closed';
  need_help_requested: number;
  need_help_decision: 'approved' | 'refused' | null;
  need_help_digest: Uint8Array | null;
  answers_purged_at: string | null;
}

/**
 * Records the consul's approval or refusal of the ministry's request for the list of the people who
 * need help, audited, and writes for the hub what follows from it in the same transaction: the list
 * once approved, its withdrawal when a refusal takes an approval back (nothing when nothing was
 * sent). Refused when the directive asked for no list, and once the roll-call is closed. The same
 * word again changes nothing (false).
 */
export function decideNeedHelpList(
  store: Store,
  rollCallId: string,
  decision: NeedHelpDecision,
  actor: string,
  now: Date,
): boolean {
  return immediateTransaction(store.db, () => {
    const row = listRow(store, rollCallId);
    if (row === undefined) throw new RollCallError(RollCallErrorCode.NotFound, `no roll-call ${rollCallId}`);
    if (row.need_help_requested !== 1 || row.directive_id === null)
      throw new RollCallError(
        RollCallErrorCode.NeedHelpNotRequested,
        'the ministry did not ask for this roll-call’s list of the people who need help',
      );
    if (row.state !== 'open') throw new RollCallError(RollCallErrorCode.Closed, 'the roll-call is closed');
    const word = decision === 'approve' ? 'approved' : 'refused';
    if (row.need_help_decision === word) return false;
    const at = now.toISOString();
    store.db
      .prepare(
        `UPDATE roll_calls SET need_help_decision = ?, need_help_decided_by = ?, need_help_decided_at = ?
         WHERE id = ?`,
      )
      .run(word, actor, at, rollCallId);
    appendAudit(store.db, {
      actor,
      action: `roll_call.need_help_${word}`,
      entity: ROLL_CALL_ENTITY,
      entityId: rollCallId,
      afterDigest: digestRecord(store.keys.audit, { decision: word, previous: row.need_help_decision, at }),
      at,
    });
    writeNeedHelpList(store, rollCallId, now);
    return true;
  });
}

/**
 * Writes for the hub where the roll-call's list of the people who need help stands, when that is
 * something to say (PROTOCOL.md, "Crisis roll-calls"): the whole list while the consul's approval
 * holds; once, its withdrawal or its purge after a list was sent; nothing else. Nothing at all for
 * a roll-call whose directive asked for no list or whose consul has not approved: then nothing
 * personal leaves the mission. A list equal to the last one written is not written again; the
 * unsealed one is replaced, as the counts are (roll-call-events.ts). Inside a transaction.
 */
export function writeNeedHelpList(store: Store, rollCallId: string, now: Date): void {
  const row = listRow(store, rollCallId);
  if (row === undefined || row.directive_id === null || row.need_help_requested !== 1) return;
  const isShared = row.need_help_decision === 'approved' && row.answers_purged_at === null;
  if (!isShared && row.need_help_digest === null) return;
  const sharing: NeedHelpSharing = isShared
    ? 'approved'
    : row.answers_purged_at === null
      ? 'withdrawn'
      : 'purged';
  const people = isShared ? needHelpPeople(store, rollCallId, JSON.parse(row.zone) as Zone) : [];
  const digest = sodium.crypto_generichash(32, utf8(JSON.stringify({ sharing, people })), null);
  if (row.need_help_digest !== null && sodium.memcmp(digest, row.need_help_digest)) return;
  const listedAt = now.toISOString();
  const data: RollCallNeedHelpData = { directiveId: row.directive_id, sharing, listedAt, people };
  replaceUnsealedEvent(store, RollCallEvents.NeedHelp, rollCallId, data, listedAt);
  store.db.prepare('UPDATE roll_calls SET need_help_digest = ? WHERE id = ?').run(digest, rollCallId);
}

/** The request and the consul's word, as the roll-call's page shows them. */
export function needHelpRequestOf(row: {
  need_help_requested: number;
  need_help_decision: 'approved' | 'refused' | null;
  need_help_decided_by: string | null;
  need_help_decided_at: string | null;
  need_help_digest: Uint8Array | null;
}): NeedHelpRequest {
  return {
    requested: row.need_help_requested === 1,
    decision: row.need_help_decision,
    decidedBy: row.need_help_decided_by,
    decidedAt: row.need_help_decided_at,
    sent: row.need_help_digest !== null,
  };
}

function listRow(store: Store, rollCallId: string): ListRow | undefined {
  return store.db
    .prepare(
      `SELECT directive_id, zone, state, need_help_requested, need_help_decision, need_help_digest,
         answers_purged_at FROM roll_calls WHERE id = ?`,
    )
    .get(rollCallId) as ListRow | undefined;
}

interface NeedHelpRow {
  id: string;
  given_names_enc: Uint8Array;
  family_name_enc: Uint8Array;
  phone_enc: Uint8Array | null;
  address_enc: Uint8Array | null;
  answered_at: string | null;
  outcome: string | null;
  outcome_at: string | null;
}

/**
 * Those of the roll-call who need help now, with only what HQ is told: of a person's record, the
 * name, the phone and the city of the address are decrypted, nothing else.
 */
export function needHelpPeople(store: Store, rollCallId: string, zone: Zone): RollCallNeedHelpPerson[] {
  const rows = store.db
    .prepare(
      `SELECT p.id, p.given_names_enc, p.family_name_enc, p.phone_enc, p.address_enc, t.answered_at, t.outcome,
         t.outcome_at
       FROM roll_call_targets t JOIN people p ON p.id = t.person_id
       WHERE t.roll_call_id = ? AND t.status = 'need_help' ORDER BY t.answered_at, t.person_id`,
    )
    .all(rollCallId) as NeedHelpRow[];
  return rows.map((row) => {
    const bind = (column: string) => ({ table: 'people', column, rowId: row.id });
    const given = decryptField(store.keys.field, row.given_names_enc, bind('given_names_enc'));
    const family = decryptField(store.keys.field, row.family_name_enc, bind('family_name_enc'));
    return {
      name: `${given} ${family}`,
      phone: decryptOptional(store.keys.field, row.phone_enc, bind('phone_enc')) ?? null,
      city: cityOf(decryptOptional(store.keys.field, row.address_enc, bind('address_enc')), zone),
      answeredAt: row.answered_at,
      outcome: row.outcome,
      outcomeAt: row.outcome_at,
    };
  });
}
