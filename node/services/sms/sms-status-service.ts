import type { Store } from '../../db/store.js';
import { onSmsCapped, type SmsCapStop } from '../outbox/sms-cap-policy.js';
import { type SmsStatus, smsStatuses } from '../outbox/sms-outbox.js';
import { applySmsReceipt, type SmsReceipt, type SmsReceiptOutcome } from '../outbox/sms-receipts.js';

/** What the SMS status service needs. */
export interface SmsStatusServiceDeps {
  readonly store: Store;
}

/** Where outgoing SMS stand, for the counter: never their number or text, which stay sealed. */
export interface SmsStatusService {
  /** Delivery states, newest first; only those filed under `ref` when given (100 by default). */
  statuses(options?: { ref?: string; limit?: number }): SmsStatus[];
  /** Tells `listener` of each SMS a cap refused or dropped (for the node's metrics). Returns the unsubscribe. */
  onCapped(listener: (stop: SmsCapStop) => void): () => void;
  /** Records an operator's delivery receipt (idempotent; an unknown id is kept aside, never thrown). */
  applyReceipt(receipt: SmsReceipt, now?: Date): SmsReceiptOutcome;
}

/** Builds the SMS status service over a store. */
export function createSmsStatusService(deps: SmsStatusServiceDeps): SmsStatusService {
  return {
    statuses: (options) => smsStatuses(deps.store, options),
    onCapped: (listener) => onSmsCapped(deps.store, listener),
    applyReceipt: (receipt, now = new Date()) => applySmsReceipt(deps.store, receipt, now),
  };
}
