import { decryptField, encryptField } from '../../crypto/field-cipher.js';
import { newRowId } from '../../db/row-id.js';
import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import { digestRecord } from '../audit/audit-hash.js';
import { appendAudit } from '../audit/audit-log.js';
import type { AnsweredStatus } from './answer-code.js';
import { phoneBinding } from './roll-call-queue.js';
import type { RollCallStatus } from './roll-call-schema.js';
import { ROLL_CALL_ENTITY } from './roll-call-start.js';
import { isWellFormedToken, rollCallTokenHash } from './roll-call-token.js';

/** Longest free text a web answer keeps (an SMS of three parts takes as much). */
export const WEB_FREE_TEXT_MAX = 480;

/** Why a roll-call link answers nothing: no token's shape, no such token, or a roll-call over. */
export type RollCallLinkRefusal = 'malformed' | 'unknown' | 'closed';

/** One person a roll-call link answers for: the household registered with the phone it reached. */
export interface RollCallLinkPerson {
  /** The person's place in the household (0, 1, …): what the page's form names, never an id. */
  readonly index: number;
  readonly name: string;
  readonly status: RollCallStatus;
}

/** What the page of a roll-call link shows. */
export interface RollCallInvitation {
  readonly rollCallId: string;
  readonly title: string;
  readonly message: { readonly fr: string; readonly sg: string; readonly en: string };
  readonly endsAt: string;
  readonly people: readonly RollCallLinkPerson[];
}

/** A roll-call link looked up: its invitation, or a refusal to show as such. */
export type RollCallLinkLookup =
  | { readonly ok: true; readonly invitation: RollCallInvitation }
  | { readonly ok: false; readonly reason: RollCallLinkRefusal };

/** A web answer: for one person of the link's household, a status and optional words. */
export interface WebAnswer {
  readonly token: string;
  readonly person: number;
  readonly status: AnsweredStatus;
  readonly text?: string | undefined;
}

/** A web answer recorded (the invitation as it now stands), or refused with nothing recorded. */
export type WebAnswerOutcome =
  | { readonly ok: true; readonly invitation: RollCallInvitation; readonly changed: boolean }
  | { readonly ok: false; readonly reason: RollCallLinkRefusal | 'not_in_household' };

interface LinkRow {
  roll_call_id: string;
  phone_bidx: Uint8Array;
  phone_enc: Uint8Array;
  title: string;
  message_fr: string;
  message_sg: string;
  message_en: string;
  ends_at: string;
  state: string;
}

interface Household {
  readonly row: LinkRow;
  readonly targets: readonly { person_id: string; status: RollCallStatus; name: string }[];
}

/** The page of a roll-call link: refused when the token is malformed, unknown, or its roll-call over. */
export function lookupRollCallLink(store: Store, token: string, now: Date): RollCallLinkLookup {
  const found = householdOf(store, token, now);
  return found.ok ? { ok: true, invitation: invitationOf(found.household) } : found;
}

/**
 * Records a web answer for one person of the link's household, in one transaction with its audit
 * entry: the person's latest word wins over any earlier answer (an agent's included: it is their
 * own). Words typed beside it are kept aside for an agent, as an SMS's free text is. The same
 * answer again changes nothing (a second click).
 */
export function answerRollCallLink(store: Store, answer: WebAnswer, now: Date): WebAnswerOutcome {
  return immediateTransaction(store.db, () => {
    const found = householdOf(store, answer.token, now);
    if (!found.ok) return found;
    const { row, targets } = found.household;
    const target = Number.isInteger(answer.person) ? targets[answer.person] : undefined;
    if (target === undefined) return { ok: false, reason: 'not_in_household' };
    const at = now.toISOString();
    const changed = store.db
      .prepare(
        `UPDATE roll_call_targets SET status = ?, answered_at = ?, answer_channel = 'web'
         WHERE roll_call_id = ? AND person_id = ? AND (status <> ? OR answer_channel IS NOT 'web')`,
      )
      .run(answer.status, at, row.roll_call_id, target.person_id, answer.status).changes;
    const text = answer.text?.trim().slice(0, WEB_FREE_TEXT_MAX) ?? '';
    if (text !== '') keepWords(store, row, target.person_id, text, at);
    if (changed > 0 || text !== '') {
      appendAudit(store.db, {
        actor: 'web',
        action: 'roll_call.answered',
        entity: ROLL_CALL_ENTITY,
        entityId: row.roll_call_id,
        afterDigest: digestRecord(store.keys.audit, {
          personId: target.person_id,
          status: answer.status,
          channel: 'web',
          words: text !== '',
          at,
        }),
        at,
      });
    }
    const updated = householdOf(store, answer.token, now);
    if (!updated.ok) throw new TypeError('the roll-call link just answered is gone');
    return { ok: true, invitation: invitationOf(updated.household), changed: changed > 0 };
  });
}

function householdOf(
  store: Store,
  token: string,
  now: Date,
): { ok: true; household: Household } | { ok: false; reason: RollCallLinkRefusal } {
  if (!isWellFormedToken(token)) return { ok: false, reason: 'malformed' };
  const row = store.db
    .prepare(
      `SELECT p.roll_call_id, p.phone_bidx, p.phone_enc, r.title, r.message_fr, r.message_sg, r.message_en,
         r.ends_at, r.state
       FROM roll_call_phones p JOIN roll_calls r ON r.id = p.roll_call_id WHERE p.token_hash = ?`,
    )
    .get(rollCallTokenHash(store.keys.index, token)) as LinkRow | undefined;
  if (row === undefined) return { ok: false, reason: 'unknown' };
  if (row.state !== 'open' || row.ends_at <= now.toISOString()) return { ok: false, reason: 'closed' };
  const targets = (
    store.db
      .prepare(
        `SELECT t.person_id, t.status, p.given_names_enc, p.family_name_enc
         FROM roll_call_targets t INDEXED BY roll_call_targets_phone JOIN people p ON p.id = t.person_id
         WHERE t.roll_call_id = ? AND t.phone_bidx = ? ORDER BY t.person_id`,
      )
      .all(row.roll_call_id, row.phone_bidx) as {
      person_id: string;
      status: RollCallStatus;
      given_names_enc: Uint8Array;
      family_name_enc: Uint8Array;
    }[]
  ).map((target) => {
    const bind = (column: string) => ({ table: 'people', column, rowId: target.person_id });
    const given = decryptField(store.keys.field, target.given_names_enc, bind('given_names_enc'));
    const family = decryptField(store.keys.field, target.family_name_enc, bind('family_name_enc'));
    return { person_id: target.person_id, status: target.status, name: `${given} ${family}` };
  });
  return { ok: true, household: { row, targets } };
}

function invitationOf({ row, targets }: Household): RollCallInvitation {
  return {
    rollCallId: row.roll_call_id,
    title: row.title,
    message: { fr: row.message_fr, sg: row.message_sg, en: row.message_en },
    endsAt: row.ends_at,
    people: targets.map((target, index) => ({ index, name: target.name, status: target.status })),
  };
}

// Kept as an SMS's free text is (roll_call_inbound), under an id of the web's own, from the phone
// the link was sent to: the agents' list of replies shows it beside the others.
function keepWords(store: Store, row: LinkRow, personId: string, text: string, at: string): void {
  const id = newRowId();
  const bind = (column: string) => ({ table: 'roll_call_inbound', column, rowId: id });
  const phone = decryptField(store.keys.field, row.phone_enc, phoneBinding(row.roll_call_id, row.phone_bidx));
  store.db
    .prepare(
      `INSERT INTO roll_call_inbound (id, gateway_id, roll_call_id, disposition, phone_bidx, from_enc, text_enc,
         sent_at, received_at) VALUES (?, ?, ?, 'free_text', ?, ?, ?, ?, ?)`,
    )
    .run(
      id,
      `web:${id}`,
      row.roll_call_id,
      row.phone_bidx,
      encryptField(store.keys.field, phone, bind('from_enc')),
      encryptField(store.keys.field, text, bind('text_enc')),
      at,
      at,
    );
  store.db
    .prepare(
      `UPDATE roll_call_targets SET free_text_at = max(coalesce(free_text_at, ''), ?)
       WHERE roll_call_id = ? AND person_id = ?`,
    )
    .run(at, row.roll_call_id, personId);
}
