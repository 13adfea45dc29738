import type { Db } from '../../db/db.js';
import type { Store } from '../../db/store.js';
import {
  DEFAULT_SMS_CAPS,
  type SmsCapReason,
  type SmsCaps,
  type SmsCapsInput,
  smsCapsSchema,
} from './sms-caps.js';
import type { SmsPurpose } from './sms-purposes.js';

/** What a cap does to an SMS it stops: refuse the change that asked for it, or drop the SMS and keep the change. */
export type WhenCapped = 'refuse' | 'drop';

/**
 * By purpose. Refused: what someone asks for and can ask for again — a booking's code (the booking
 * is not held) and a waiting-list offer (a place held for someone who cannot be told is a place
 * lost: the offer goes to the next in line). Dropped: news of a change already made by someone
 * else or by a job, which stands without its SMS. An applicant moving their own booking is refused
 * by the appointment book, which says so when it queues the SMS.
 */
export const WHEN_CAPPED: Readonly<Record<SmsPurpose, WhenCapped>> = {
  booking_code: 'refuse',
  waitlist_offer: 'refuse',
  booking_confirmed: 'drop',
  booking_cancelled: 'drop',
  booking_rescheduled: 'drop',
  reminder: 'drop',
  file_status: 'drop',
  file_lookup_locked: 'drop',
  payment_receipt: 'drop',
  // Never capped (UNCAPPED_PURPOSES in sms-caps.ts): listed because every purpose is.
  roll_call: 'drop',
  other: 'drop',
};

/** An SMS a cap stopped, as the node's metrics count it. */
export interface SmsCapStop {
  readonly reason: SmsCapReason;
  readonly purpose: SmsPurpose;
  readonly outcome: 'refused' | 'dropped';
}

interface Policy {
  caps: SmsCaps;
  readonly listeners: Set<(stop: SmsCapStop) => void>;
}

// Bound to the database, as its commit group is (db/commit-group.ts): every writer of sms_outbox —
// appointments, files, payments, a job, whatever comes next — is capped without being handed the
// caps, so none can forget them. A database no domain has bound keeps the defaults.
const policies = new WeakMap<Db, Policy>();

function policyOf(store: Store): Policy {
  let policy = policies.get(store.db);
  if (!policy) {
    policy = { caps: DEFAULT_SMS_CAPS, listeners: new Set() };
    policies.set(store.db, policy);
  }
  return policy;
}

/** Sets the caps of the SMS queued in this store's database (the domain does, from the node's config). */
export function bindSmsCaps(store: Store, caps: SmsCapsInput): void {
  policyOf(store).caps = smsCapsSchema.parse(caps);
}

/** The caps in force for this store's database. */
export function smsCapsOf(store: Store): SmsCaps {
  return policyOf(store).caps;
}

/** Tells `listener` of every SMS a cap stops in this store's database. Returns the unsubscribe. */
export function onSmsCapped(store: Store, listener: (stop: SmsCapStop) => void): () => void {
  const { listeners } = policyOf(store);
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Reports a stop to the listeners; one that throws is ignored: a counter must not undo a change. */
export function reportSmsStop(store: Store, stop: SmsCapStop): void {
  for (const listener of policyOf(store).listeners) {
    try {
      listener(stop);
    } catch {
      // The stop itself has been decided; only its count is lost.
    }
  }
}
