import { blindIndex } from '../../crypto/blind-index.js';
import { encryptField } from '../../crypto/field-cipher.js';
import { newRowId } from '../../db/row-id.js';
import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import { digestRecord } from '../audit/audit-hash.js';
import { appendAudit } from '../audit/audit-log.js';
import { type AnsweredStatus, answerCode } from './answer-code.js';
import { ROLL_CALL_ENTITY } from './roll-call-start.js';

/** An SMS the gateway received, already authenticated as coming from the gateway. */
export interface InboundSms {
  /** The sender in E.164, or undefined when the gateway's `from` is no valid number. */
  readonly from: string | undefined;
  /** The sender as the gateway gave it (kept, encrypted, when it does not parse). */
  readonly rawFrom: string;
  readonly text: string;
  /** The gateway's id of the message: a callback retried with it counts once. */
  readonly gatewayId: string;
  /** When the handset sent it, as the gateway says; the receipt time when absent or absurd. */
  readonly sentAt?: Date | undefined;
}

/** What became of an inbound SMS. */
export type InboundDisposition = 'answer' | 'free_text' | 'late' | 'unknown_phone';

/** The outcome of an inbound SMS: recorded now, or already recorded under its gateway id. */
export interface InboundOutcome {
  readonly disposition: InboundDisposition;
  readonly duplicate: boolean;
  readonly rollCallId: string | null;
  readonly status?: AnsweredStatus;
}

/**
 * Records an inbound SMS once per gateway id, in one transaction with its audit entry. From a
 * phone an open roll-call reached, an answer code sets the status of everyone registered with it
 * (but a person an agent set apart); the latest sent wins, whatever order the gateway delivers in.
 * Free text, replies after the end and replies from numbers no roll-call reached are kept aside,
 * encrypted, for an agent: never lost.
 */
export function recordInboundSms(store: Store, sms: InboundSms, now: Date): InboundOutcome {
  return immediateTransaction(store.db, () => {
    const known = store.db
      .prepare('SELECT disposition, roll_call_id FROM roll_call_inbound WHERE gateway_id = ?')
      .get(sms.gatewayId) as { disposition: InboundDisposition; roll_call_id: string | null } | undefined;
    if (known) return { disposition: known.disposition, duplicate: true, rollCallId: known.roll_call_id };
    const phoneBidx = sms.from === undefined ? null : blindIndex(store.keys.index, 'phone', sms.from);
    const at = answeredAt(sms.sentAt, now);
    const open = phoneBidx && openRollCallOf(store, phoneBidx, now);
    let outcome: InboundOutcome;
    if (open && phoneBidx) {
      const status = answerCode(sms.text);
      if (status) applyAnswer(store, open, phoneBidx, status, at, now);
      else markFreeText(store, open, phoneBidx, at);
      outcome = {
        disposition: status ? 'answer' : 'free_text',
        duplicate: false,
        rollCallId: open,
        ...(status ? { status } : {}),
      };
    } else {
      const late = phoneBidx && lastRollCallOf(store, phoneBidx);
      outcome = late
        ? { disposition: 'late', duplicate: false, rollCallId: late }
        : { disposition: 'unknown_phone', duplicate: false, rollCallId: null };
    }
    keepInbound(store, sms, phoneBidx, outcome, now);
    return outcome;
  });
}

// A gateway's clock may be off: a time ahead of ours, or more than a week old, is not believed.
function answeredAt(sentAt: Date | undefined, now: Date): string {
  const time = sentAt?.getTime();
  const isPlausible =
    time !== undefined &&
    !Number.isNaN(time) &&
    time <= now.getTime() &&
    now.getTime() - time < 7 * 86_400_000;
  return (isPlausible ? new Date(time) : now).toISOString();
}

/** The newest roll-call open now that reached this phone. */
function openRollCallOf(store: Store, phoneBidx: Uint8Array, now: Date): string | undefined {
  return store.db
    .prepare(
      `SELECT r.id FROM roll_call_phones p JOIN roll_calls r ON r.id = p.roll_call_id
       WHERE p.phone_bidx = ? AND r.state = 'open' AND r.ends_at > ? ORDER BY r.started_at DESC LIMIT 1`,
    )
    .pluck()
    .get(phoneBidx, now.toISOString()) as string | undefined;
}

/** The newest roll-call, open or not, that reached this phone. */
function lastRollCallOf(store: Store, phoneBidx: Uint8Array): string | undefined {
  return store.db
    .prepare(
      `SELECT r.id FROM roll_call_phones p JOIN roll_calls r ON r.id = p.roll_call_id
       WHERE p.phone_bidx = ? ORDER BY r.started_at DESC LIMIT 1`,
    )
    .pluck()
    .get(phoneBidx) as string | undefined;
}

function applyAnswer(
  store: Store,
  rollCallId: string,
  phoneBidx: Uint8Array,
  status: AnsweredStatus,
  at: string,
  now: Date,
): void {
  const changed = store.db
    .prepare(
      // INDEXED BY: without it SQLite walks the primary key, every person of the roll-call (10,000
      // rows for one answer), where the phone's index finds the household's few.
      `UPDATE roll_call_targets INDEXED BY roll_call_targets_phone
         SET status = ?, answered_at = ?, answer_channel = 'sms'
       WHERE roll_call_id = ? AND phone_bidx = ? AND answer_channel IS NOT 'agent'
         AND (answered_at IS NULL OR answered_at <= ?)`,
    )
    .run(status, at, rollCallId, phoneBidx, at).changes;
  appendAudit(store.db, {
    actor: 'sms',
    action: 'roll_call.answered',
    entity: ROLL_CALL_ENTITY,
    entityId: rollCallId,
    // The phone's blind index, never the number: the entry proves which household answered what.
    afterDigest: digestRecord(store.keys.audit, {
      phone: Buffer.from(phoneBidx).toString('hex'),
      status,
      at,
      changed,
    }),
    at: now.toISOString(),
  });
}

function markFreeText(store: Store, rollCallId: string, phoneBidx: Uint8Array, at: string): void {
  store.db
    .prepare(
      `UPDATE roll_call_targets INDEXED BY roll_call_targets_phone
         SET free_text_at = max(coalesce(free_text_at, ''), ?)
       WHERE roll_call_id = ? AND phone_bidx = ?`,
    )
    .run(at, rollCallId, phoneBidx);
}

function keepInbound(
  store: Store,
  sms: InboundSms,
  phoneBidx: Uint8Array | null,
  outcome: InboundOutcome,
  now: Date,
): void {
  const id = newRowId();
  const bind = (column: string) => ({ table: 'roll_call_inbound', column, rowId: id });
  store.db
    .prepare(
      `INSERT INTO roll_call_inbound (id, gateway_id, roll_call_id, disposition, phone_bidx, from_enc, text_enc,
         sent_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      id,
      sms.gatewayId,
      outcome.rollCallId,
      outcome.disposition,
      phoneBidx,
      encryptField(store.keys.field, sms.from ?? sms.rawFrom, bind('from_enc')),
      encryptField(store.keys.field, sms.text, bind('text_enc')),
      sms.sentAt && !Number.isNaN(sms.sentAt.getTime()) ? sms.sentAt.toISOString() : null,
      now.toISOString(),
    );
}
