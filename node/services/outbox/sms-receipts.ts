import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import type { SmsDelivery } from './sms-outbox.js';

/** A delivery receipt from the operator, whatever the channel (SMPP deliver_sm, an HTTP report). */
export interface SmsReceipt {
  /** The gateway's id of the SMS, as its send returned it. */
  readonly providerId: string;
  readonly delivery: SmsDelivery;
  /** The operator's own word (`DELIVRD`, `UNDELIV`, `Success`…), kept for the counter. */
  readonly status: string;
}

/**
 * What a receipt did: `applied` to an SMS of ours, `unchanged` (the same verdict again: a
 * duplicated receipt), or `unmatched` (no SMS has that id: kept aside in sms_receipts_unmatched).
 */
export type SmsReceiptOutcome = 'applied' | 'unchanged' | 'unmatched';

/**
 * Records a receipt on the SMS the gateway knows by `providerId`. Idempotent: the same receipt
 * twice changes nothing; a later "undelivered" after "delivered" (out of order) does not undo
 * the delivery, which the operator has already seen happen. Never throws for an unknown id:
 * the gateway would resend the receipt forever.
 */
export function applySmsReceipt(store: Store, receipt: SmsReceipt, now: Date): SmsReceiptOutcome {
  const status = receipt.status.slice(0, 40);
  return immediateTransaction(store.db, (): SmsReceiptOutcome => {
    const row = store.db
      .prepare('SELECT id, delivery FROM sms_outbox WHERE provider_id = ? ORDER BY id DESC LIMIT 1')
      .get(receipt.providerId) as { id: number; delivery: SmsDelivery | null } | undefined;
    if (row === undefined) {
      store.db
        .prepare(
          'INSERT OR IGNORE INTO sms_receipts_unmatched (provider_id, status, received_at) VALUES (?, ?, ?)',
        )
        .run(receipt.providerId.slice(0, 128), status, now.toISOString());
      return 'unmatched';
    }
    if (row.delivery === receipt.delivery || row.delivery === 'delivered') return 'unchanged';
    store.db
      .prepare(
        `UPDATE sms_outbox SET delivery = ?, delivery_status = ?, delivered_at = ?,
           state = 'sent', sent_at = coalesce(sent_at, ?) WHERE id = ?`,
      )
      .run(receipt.delivery, status, now.toISOString(), now.toISOString(), row.id);
    return 'applied';
  });
}

/** Receipts that named no SMS of ours, newest first (for an operator's check). */
export function unmatchedSmsReceipts(
  store: Store,
  limit = 100,
): { providerId: string; status: string; receivedAt: string }[] {
  return store.db
    .prepare(
      `SELECT provider_id AS providerId, status, received_at AS receivedAt FROM sms_receipts_unmatched
       ORDER BY received_at DESC LIMIT ?`,
    )
    .all(limit) as { providerId: string; status: string; receivedAt: string }[];
}
