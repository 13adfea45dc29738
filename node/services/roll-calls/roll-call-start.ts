import { decryptField, encryptField } from '../../crypto/field-cipher.js';
import { newRowId } from '../../db/row-id.js';
import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import { digestRecord } from '../audit/audit-hash.js';
import { appendAudit } from '../audit/audit-log.js';
import type { Language } from '../catalogue/catalogue-schema.js';
import { enqueueSms } from '../outbox/sms-outbox.js';
import { parseInput, RollCallError, RollCallErrorCode } from './errors.js';
import { startRollCallSchema } from './roll-call-schema.js';
import { rollCallSmsText } from './roll-call-sms-text.js';
import { planTargets, type TargetPlan } from './roll-call-targets.js';
import { newRollCallToken, rollCallLink, rollCallTokenHash } from './roll-call-token.js';

/** The audit log's entity for roll-calls. */
export const ROLL_CALL_ENTITY = 'roll_call';

/** How many a roll-call reaches: registered people, their phones, and the SMS (one per phone). */
export interface RollCallReach {
  readonly people: number;
  readonly phones: number;
  readonly sms: number;
  /** Registered nationals of the zone without a phone: the SMS cannot reach them. */
  readonly withoutPhone: number;
}

/** What starting a roll-call returns: its id, or with `dryRun` only what it would reach. */
export type StartOutcome =
  | { readonly dryRun: true; readonly reach: RollCallReach }
  | { readonly dryRun: false; readonly id: string; readonly reach: RollCallReach; readonly queued: number };

/** Who started a roll-call: a consul at the mission, or a directive of the ministry. */
export interface RollCallStarter {
  readonly actor: string;
  readonly directiveId?: string;
  /**
   * The directive asks for the list of the people who need help (`rollCall.needHelpList`): the
   * consul is then asked to approve it. A mission's own roll-call never asks.
   */
  readonly needHelpList?: boolean;
}

/**
 * Starts a roll-call — targets, one SMS row per phone, the SMS queued — in one transaction, so a
 * crash leaves either nothing or a roll-call whose every SMS is in the outbox. With `dryRun`,
 * writes nothing and tells how many people, phones and SMS it would reach.
 */
export function startRollCall(
  store: Store,
  input: unknown,
  starter: RollCallStarter,
  now: Date,
  publicUrl?: string,
): StartOutcome {
  const parsed = parseInput(startRollCallSchema, input);
  if (Date.parse(parsed.endsAt) <= now.getTime()) {
    throw new RollCallError(RollCallErrorCode.InvalidInput, 'the roll-call must end in the future', {
      issues: { properties: { endsAt: { errors: ['must be in the future'] } } },
    });
  }
  if (parsed.dryRun) return { dryRun: true, reach: reachOf(planTargets(store, parsed.zone)) };
  return immediateTransaction(store.db, () => {
    const started = starter.directiveId === undefined ? undefined : startedFor(store, starter.directiveId);
    if (started) return { dryRun: false as const, id: started, reach: reachSoFar(store, started), queued: 0 };
    const plan = planTargets(store, parsed.zone);
    const id = newRowId();
    const at = now.toISOString();
    store.db
      .prepare(
        `INSERT INTO roll_calls (id, title, message_fr, message_sg, message_en, zone, ends_at, state, origin,
           directive_id, started_by, started_at, need_help_requested)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        parsed.title,
        parsed.message.fr,
        parsed.message.sg,
        parsed.message.en,
        JSON.stringify(parsed.zone),
        new Date(parsed.endsAt).toISOString(),
        starter.directiveId === undefined ? 'local' : 'directive',
        starter.directiveId ?? null,
        starter.actor,
        at,
        starter.directiveId !== undefined && starter.needHelpList === true ? 1 : 0,
      );
    insertTargets(store, id, plan);
    const reach = reachOf(plan);
    appendAudit(store.db, {
      actor: starter.actor,
      action: 'roll_call.started',
      entity: ROLL_CALL_ENTITY,
      entityId: id,
      afterDigest: digestRecord(store.keys.audit, { title: parsed.title, zone: parsed.zone, reach }),
      at,
    });
    const queued = queueRollCallSms(store, id, now, publicUrl);
    return { dryRun: false as const, id, reach, queued };
  });
}

// A directive is delivered at least once (the link resends what the hub has not seen
// acknowledged): the roll-call it started is the answer to it again, never a second one.
function startedFor(store: Store, directiveId: string): string | undefined {
  return store.db.prepare('SELECT id FROM roll_calls WHERE directive_id = ?').pluck().get(directiveId) as
    | string
    | undefined;
}

function reachSoFar(store: Store, id: string): RollCallReach {
  const count = (sql: string) => store.db.prepare(sql).pluck().get(id) as number;
  const phones = count('SELECT count(*) FROM roll_call_phones WHERE roll_call_id = ?');
  return {
    people: count('SELECT count(*) FROM roll_call_targets WHERE roll_call_id = ?'),
    phones,
    sms: phones,
    withoutPhone: count(
      'SELECT count(*) FROM roll_call_targets WHERE roll_call_id = ? AND phone_bidx IS NULL',
    ),
  };
}

function reachOf(plan: TargetPlan): RollCallReach {
  return {
    people: plan.people,
    phones: plan.phones.length,
    sms: plan.phones.length,
    withoutPhone: plan.withoutPhone.length,
  };
}

function insertTargets(store: Store, id: string, plan: TargetPlan): void {
  const phone = store.db.prepare(
    'INSERT INTO roll_call_phones (roll_call_id, phone_bidx, phone_enc, language) VALUES (?, ?, ?, ?)',
  );
  const target = store.db.prepare(
    'INSERT INTO roll_call_targets (roll_call_id, person_id, registration_id, phone_bidx) VALUES (?, ?, ?, ?)',
  );
  for (const entry of plan.phones) {
    phone.run(
      id,
      entry.phoneBidx,
      encryptField(store.keys.field, entry.phone, phoneBinding(id, entry.phoneBidx)),
      entry.language,
    );
    for (const person of entry.people)
      target.run(id, person.personId, person.registrationId, entry.phoneBidx);
  }
  for (const person of plan.withoutPhone) target.run(id, person.personId, person.registrationId, null);
}

/** Where a roll-call phone's ciphertext is bound: the roll-call and the phone's index. */
export function phoneBinding(rollCallId: string, phoneBidx: Uint8Array) {
  return {
    table: 'roll_call_phones',
    column: 'phone_enc',
    rowId: `${rollCallId}/${Buffer.from(phoneBidx).toString('hex')}`,
  };
}

interface PendingPhone {
  phone_bidx: Uint8Array;
  phone_enc: Uint8Array;
  language: Language;
}

/**
 * Queues the SMS of a roll-call's phones not queued yet, each with the names of everyone registered
 * with it; returns how many. Each phone's row takes its SMS id in the same transaction as the SMS:
 * run again (a restart, a second click), it queues nothing twice. With the node's public address,
 * each SMS carries a link to answer on the web with a token of its own, of which the row keeps
 * only the keyed hash.
 */
export function queueRollCallSms(store: Store, rollCallId: string, now: Date, publicUrl?: string): number {
  return immediateTransaction(store.db, () => {
    const rollCall = store.db
      .prepare('SELECT title, message_fr, message_sg, message_en, state FROM roll_calls WHERE id = ?')
      .get(rollCallId) as
      | { title: string; message_fr: string; message_sg: string; message_en: string; state: string }
      | undefined;
    if (rollCall === undefined)
      throw new RollCallError(RollCallErrorCode.NotFound, `no roll-call ${rollCallId}`);
    if (rollCall.state !== 'open') return 0;
    const pending = store.db
      .prepare(
        'SELECT phone_bidx, phone_enc, language FROM roll_call_phones WHERE roll_call_id = ? AND sms_id IS NULL',
      )
      .all(rollCallId) as PendingPhone[];
    const mark = store.db.prepare(
      `UPDATE roll_call_phones SET sms_id = ?, queued_at = ?, token_hash = ?
       WHERE roll_call_id = ? AND phone_bidx = ?`,
    );
    const namesOf = householdNames(store, rollCallId);
    const messages: Record<Language, string> = {
      fr: rollCall.message_fr,
      sg: rollCall.message_sg,
      en: rollCall.message_en,
    };
    for (const row of pending) {
      const to = decryptField(store.keys.field, row.phone_enc, phoneBinding(rollCallId, row.phone_bidx));
      const token = publicUrl === undefined ? undefined : newRollCallToken();
      const text = rollCallSmsText({
        title: rollCall.title,
        message: messages[row.language],
        names: namesOf(row.phone_bidx),
        language: row.language,
        link: token === undefined || publicUrl === undefined ? undefined : rollCallLink(publicUrl, token),
      });
      const smsId = enqueueSms(store, { to, text, purpose: 'roll_call', ref: rollCallId }, now);
      const tokenHash = token === undefined ? null : rollCallTokenHash(store.keys.index, token);
      mark.run(smsId ?? null, now.toISOString(), tokenHash, rollCallId, row.phone_bidx);
    }
    return pending.length;
  });
}

function householdNames(store: Store, rollCallId: string): (phoneBidx: Uint8Array) => string[] {
  const select = store.db.prepare(
    `SELECT p.given_names_enc, p.family_name_enc, p.id FROM roll_call_targets t JOIN people p ON p.id = t.person_id
     WHERE t.roll_call_id = ? AND t.phone_bidx = ? ORDER BY p.id`,
  );
  return (phoneBidx) =>
    (
      select.all(rollCallId, phoneBidx) as {
        given_names_enc: Uint8Array;
        family_name_enc: Uint8Array;
        id: string;
      }[]
    ).map((row) => {
      const bind = (column: string) => ({ table: 'people', column, rowId: row.id });
      const given = decryptField(store.keys.field, row.given_names_enc, bind('given_names_enc'));
      const family = decryptField(store.keys.field, row.family_name_enc, bind('family_name_enc'));
      return `${given} ${family}`;
    });
}
