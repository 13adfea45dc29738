import type { Store } from '../../db/store.js';
import { type SmsStatus, smsStatuses } from '../outbox/sms-outbox.js';

/** What the SMS status service needs. */
export interface SmsStatusServiceDeps {
  readonly store: Store;
}

/** Where outgoing SMS stand, for the counter: never their number or text, which stay sealed. */
export interface SmsStatusService {
  /** Delivery states, newest first; only those filed under `ref` when given (100 by default). */
  statuses(options?: { ref?: string; limit?: number }): SmsStatus[];
}

/** Builds the SMS status service over a store. */
export function createSmsStatusService(deps: SmsStatusServiceDeps): SmsStatusService {
  return { statuses: (options) => smsStatuses(deps.store, options) };
}
