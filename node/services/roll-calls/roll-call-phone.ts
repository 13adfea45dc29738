import { blindIndex } from '../../crypto/blind-index.js';
import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import { digestRecord } from '../audit/audit-hash.js';
import { appendAudit } from '../audit/audit-log.js';
import type { AnsweredStatus } from './answer-code.js';
import { ROLL_CALL_ENTITY } from './roll-call-start.js';

/** A roll-call open for a caller's phone, as a menu shows it. */
export interface OpenRollCall {
  readonly id: string;
  readonly title: string;
  readonly message: { readonly fr: string; readonly sg: string; readonly en: string };
  /** People registered with the phone: the answer counts for each. */
  readonly people: number;
}

/** What an answer from a caller's phone did. */
export type PhoneAnswerOutcome =
  | { readonly ok: true; readonly rollCallId: string; readonly people: number }
  | { readonly ok: false; readonly reason: 'no_open_roll_call' };

/** The channels that answer for a phone as a whole (an SMS has its own path, once per gateway id). */
export type PhoneChannel = 'ussd';

/**
 * The newest roll-call open now that reached a phone (E.164), with how many people registered with
 * it; undefined when none is.
 */
export function openRollCallForPhone(store: Store, phone: string, now: Date): OpenRollCall | undefined {
  const phoneBidx = blindIndex(store.keys.index, 'phone', phone);
  const row = store.db
    .prepare(
      `SELECT r.id, r.title, r.message_fr, r.message_sg, r.message_en,
         (SELECT count(*) FROM roll_call_targets t WHERE t.roll_call_id = r.id AND t.phone_bidx = p.phone_bidx) AS people
       FROM roll_call_phones p JOIN roll_calls r ON r.id = p.roll_call_id
       WHERE p.phone_bidx = ? AND r.state = 'open' AND r.ends_at > ? ORDER BY r.started_at DESC LIMIT 1`,
    )
    .get(phoneBidx, now.toISOString()) as
    | {
        id: string;
        title: string;
        message_fr: string;
        message_sg: string;
        message_en: string;
        people: number;
      }
    | undefined;
  if (row === undefined) return undefined;
  return {
    id: row.id,
    title: row.title,
    message: { fr: row.message_fr, sg: row.message_sg, en: row.message_en },
    people: row.people,
  };
}

/**
 * Records an answer from a caller's phone (E.164) to the roll-call open for it, as an SMS answer
 * does: for everyone registered with the phone but a person an agent set apart, the latest answer
 * winning; in one transaction with its audit entry. The same answer again changes nothing.
 */
export function answerFromPhone(
  store: Store,
  phone: string,
  status: AnsweredStatus,
  channel: PhoneChannel,
  now: Date,
): PhoneAnswerOutcome {
  return immediateTransaction(store.db, () => {
    const open = openRollCallForPhone(store, phone, now);
    if (open === undefined) return { ok: false, reason: 'no_open_roll_call' };
    const phoneBidx = blindIndex(store.keys.index, 'phone', phone);
    const at = now.toISOString();
    const changed = store.db
      .prepare(
        // By the phone's index, not the whole roll-call's primary key (roll-call-answers.ts).
        `UPDATE roll_call_targets INDEXED BY roll_call_targets_phone
           SET status = @status, answered_at = @at, answer_channel = @channel
         WHERE roll_call_id = @id AND phone_bidx = @phoneBidx AND answer_channel IS NOT 'agent'
           AND (answered_at IS NULL OR answered_at <= @at)
           AND (status <> @status OR answer_channel IS NOT @channel)`,
      )
      .run({ status, at, channel, id: open.id, phoneBidx }).changes;
    if (changed > 0) {
      appendAudit(store.db, {
        actor: channel,
        action: 'roll_call.answered',
        entity: ROLL_CALL_ENTITY,
        entityId: open.id,
        // The phone's blind index, never the number, as for an SMS answer.
        afterDigest: digestRecord(store.keys.audit, {
          phone: Buffer.from(phoneBidx).toString('hex'),
          status,
          channel,
          at,
          changed,
        }),
        at,
      });
    }
    return { ok: true, rollCallId: open.id, people: open.people };
  });
}
