import { z } from 'zod';
import { sodium, utf8 } from '../../../protocol/index.js';
import { decryptField, encryptField, type FieldBinding } from '../../crypto/field-cipher.js';
import { cachedStatement } from '../../db/cached-statement.js';
import type { Store } from '../../db/store.js';
import { lastSmsId, rememberAdmission, takeAdmission } from './sms-admissions.js';
import { reportSmsStop, smsCapsOf, WHEN_CAPPED, type WhenCapped } from './sms-cap-policy.js';
import {
  capReached,
  type SmsCapIndexes,
  type SmsCapReason,
  type SmsCapScope,
  smsCapIndexes,
  UNCAPPED_PURPOSES,
} from './sms-caps.js';
import { SmsCapError } from './sms-errors.js';
import { type SmsPurpose, smsPurposeSchema } from './sms-purposes.js';

export { type SmsPurpose, smsPurposeSchema } from './sms-purposes.js';

const smsInputSchema = z.strictObject({
  to: z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 phone number'),
  text: z.string().min(1).max(480),
  purpose: smsPurposeSchema,
  ref: z.string().max(80).optional(),
});
/** An SMS to queue. */
export type SmsInput = z.infer<typeof smsInputSchema>;

/** An SMS as agents see it: never the text, only where it stands. */
export interface SmsStatus {
  readonly id: number;
  readonly purpose: SmsPurpose;
  readonly ref: string | null;
  readonly state: 'pending' | 'sent';
  readonly attempts: number;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly sentAt: string | null;
  /** When the dispatcher tries again; null once sent. */
  readonly nextAttemptAt: string | null;
  /** What the operator's last delivery receipt said; absent until one comes (migration 025). */
  readonly delivery?: SmsDelivery;
  /** When that receipt was recorded; absent with it. */
  readonly deliveredAt?: string;
  /** The operator's own word in that receipt (`DELIVRD`, `EXPIRED`, `UNDELIV`…); absent with it. */
  readonly deliveryStatus?: string;
}

/** A delivery receipt's verdict: on the handset, or given up by the operator. */
export type SmsDelivery = 'delivered' | 'undelivered';

/** Options of {@link enqueueSms}. */
export interface EnqueueSmsOptions {
  /** What a cap does to this SMS, when not what its purpose says ({@link WHEN_CAPPED}). */
  readonly whenCapped?: WhenCapped;
}

/**
 * Queues an SMS. Call it inside the transaction of the change it reports. Returns its id, or
 * undefined when a cap on its number or its number's prefix dropped it (sms-caps.ts); throws
 * {@link SmsCapError} when the cap refuses it, and the change's transaction then writes nothing.
 */
export function enqueueSms(
  store: Store,
  input: SmsInput,
  now: Date = new Date(),
  options: EnqueueSmsOptions = {},
): number | undefined {
  const sms = smsInputSchema.parse(input);
  if (UNCAPPED_PURPOSES.has(sms.purpose)) return insertSms(store, sms, now, null);
  const caps = smsCapsOf(store);
  const whenCapped = options.whenCapped ?? WHEN_CAPPED[sms.purpose];
  const scope = scopeOf(whenCapped);
  const admitted = takeAdmission(store.db, { to: sms.to, scope, caps, at: now.getTime() });
  const indexes = admitted ?? smsCapIndexes(store.keys, sms.to, caps);
  const reason = admitted ? undefined : capReached(store.db, indexes, caps, now, scope);
  if (reason !== undefined) {
    stop(store, reason, sms.purpose, whenCapped);
    if (whenCapped === 'refuse') throw new SmsCapError(reason);
    return undefined;
  }
  return insertSms(store, sms, now, indexes);
}

const INSERT_SMS = `INSERT INTO sms_outbox (to_enc, text_enc, purpose, ref, next_attempt_at, created_at, to_bidx, prefix_bidx)
  VALUES (x'', x'', ?, ?, ?, ?, ?, ?)`;
// The ciphertexts are bound to the row's id, known only once it is inserted.
const SEAL_SMS = 'UPDATE sms_outbox SET to_enc = ?, text_enc = ? WHERE id = ?';

// Without indexes (an uncapped purpose), the row is counted by no cap's window.
function insertSms(store: Store, sms: SmsInput, now: Date, indexes: SmsCapIndexes | null): number {
  const at = now.toISOString();
  const id = Number(
    cachedStatement(store.db, INSERT_SMS).run(
      sms.purpose,
      sms.ref ?? null,
      at,
      at,
      indexes?.to_bidx ?? null,
      indexes?.prefix_bidx ?? null,
    ).lastInsertRowid,
  );
  cachedStatement(store.db, SEAL_SMS).run(
    encryptField(store.keys.field, sms.to, binding(id, 'to')),
    encryptField(store.keys.field, sms.text, binding(id, 'text')),
    id,
  );
  return id;
}

/**
 * The cap an SMS to `to` would reach now, or undefined when it may go: for a change to check before
 * it writes anything, in the transaction that then queues the SMS (which then counts nothing again,
 * sms-admissions.ts). A cap reached counts as stopped.
 */
export function smsCapFor(
  store: Store,
  sms: { readonly to: string; readonly purpose: SmsPurpose },
  now: Date,
  options: EnqueueSmsOptions = {},
): SmsCapReason | undefined {
  const to = smsInputSchema.shape.to.parse(sms.to);
  const caps = smsCapsOf(store);
  const whenCapped = options.whenCapped ?? WHEN_CAPPED[sms.purpose];
  const scope = scopeOf(whenCapped);
  const indexes = smsCapIndexes(store.keys, to, caps);
  const lastId = lastSmsId(store.db);
  const reason = capReached(store.db, indexes, caps, now, scope);
  if (reason !== undefined) stop(store, reason, sms.purpose, whenCapped);
  else rememberAdmission(store.db, { to, scope, caps, at: now.getTime(), lastId, indexes });
  return reason;
}

// A request is weighed against the requests made to the number; news against everything it got.
function scopeOf(whenCapped: WhenCapped): SmsCapScope {
  return whenCapped === 'refuse' ? 'requests' : 'all';
}

function stop(store: Store, reason: SmsCapReason, purpose: SmsPurpose, whenCapped: WhenCapped): void {
  reportSmsStop(store, { reason, purpose, outcome: whenCapped === 'refuse' ? 'refused' : 'dropped' });
}

// Written as in migration 023's index sms_outbox_due_rank, so that index gives the order.
const SMS_RANK = `(CASE purpose WHEN 'booking_code' THEN 0 WHEN 'roll_call' THEN 2 ELSE 1 END)`;

/** A due SMS, decrypted for the gateway. */
export interface DueSms {
  readonly id: number;
  readonly to: string;
  readonly text: string;
  readonly attempts: number;
  /** The gateway's idempotency key: the same on every attempt at this SMS (see {@link deliveryKey}). */
  readonly key: string;
}

/**
 * SMS whose next attempt is due, the time-critical first: codes, then the other news of a change,
 * then roll-call SMS; oldest first within each. A booking's code, valid for minutes, never waits
 * behind the thousands of SMS of a crisis roll-call. The order is migration 023's index.
 */
export function dueSms(store: Store, now: Date, limit: number): DueSms[] {
  const rows = store.db
    .prepare(
      `SELECT id, to_enc, text_enc, attempts, created_at FROM sms_outbox
       WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY ${SMS_RANK}, id LIMIT ?`,
    )
    .all(now.toISOString(), limit) as {
    id: number;
    to_enc: Uint8Array;
    text_enc: Uint8Array;
    attempts: number;
    created_at: string;
  }[];
  return rows.map((row) => {
    const to = decryptField(store.keys.field, row.to_enc, binding(row.id, 'to'));
    const text = decryptField(store.keys.field, row.text_enc, binding(row.id, 'text'));
    const key = deliveryKey(store, { id: row.id, createdAt: row.created_at, to, text });
    return { id: row.id, to, text, attempts: row.attempts, key };
  });
}

/**
 * A keyed hash of the row's id, creation time, recipient and text, hex. Stable across attempts and
 * restarts; a row id given again after a restore from backup comes with another time and text, so
 * another key. Keyed, so the gateway learns nothing of the number or text from it.
 */
function deliveryKey(store: Store, sms: { id: number; createdAt: string; to: string; text: string }): string {
  const input = utf8(`econsulat/sms-delivery\0${sms.id}\0${sms.createdAt}\0${sms.to}\0${sms.text}`);
  return sodium.crypto_generichash(16, input, store.keys.index, 'hex');
}

/** Records a successful hand-over to the gateway, with the gateway's id of the SMS when it gave one. */
export function markSmsSent(store: Store, id: number, now: Date, providerId?: string): void {
  store.db
    .prepare(
      `UPDATE sms_outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL,
         provider_id = coalesce(?, provider_id) WHERE id = ?`,
    )
    .run(now.toISOString(), providerId ?? null, id);
}

/** Records a failure and when to try again. The SMS stays queued: nothing is dropped. */
export function markSmsFailed(store: Store, id: number, error: string, retryAt: Date): void {
  store.db
    .prepare(
      'UPDATE sms_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?',
    )
    .run(error.slice(0, 300), retryAt.toISOString(), id);
}

/** Delivery states for agents, newest first, optionally for one appointment or file. */
export function smsStatuses(store: Store, options: { ref?: string; limit?: number } = {}): SmsStatus[] {
  const where = options.ref ? 'WHERE ref = ?' : '';
  const params: unknown[] = options.ref ? [options.ref] : [];
  const rows = store.db
    .prepare(
      `SELECT id, purpose, ref, state, attempts, last_error AS lastError, created_at AS createdAt, sent_at AS sentAt,
         CASE state WHEN 'pending' THEN next_attempt_at END AS nextAttemptAt,
         delivery, delivered_at AS deliveredAt, delivery_status AS deliveryStatus
       FROM sms_outbox ${where} ORDER BY id DESC LIMIT ?`,
    )
    .all(...params, options.limit ?? 100) as (SmsStatus & {
    delivery: SmsDelivery | null;
    deliveredAt: string | null;
    deliveryStatus: string | null;
  })[];
  // Without a receipt the fields are left out, not null: the JSON answer keeps its former shape.
  return rows.map(({ delivery, deliveredAt, deliveryStatus, ...row }) =>
    delivery === null
      ? row
      : {
          ...row,
          delivery,
          deliveredAt: deliveredAt ?? undefined,
          ...(deliveryStatus === null ? {} : { deliveryStatus }),
        },
  );
}

function binding(id: number, column: 'to' | 'text'): FieldBinding {
  return { table: 'sms_outbox', column, rowId: String(id) };
}
