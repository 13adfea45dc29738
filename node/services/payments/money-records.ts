import { MoneyEvents } from '../../../protocol/index.js';
import { digestRecord } from '../audit/audit-hash.js';
import { appendAudit } from '../audit/audit-log.js';
import { appendEvent, newEvent } from '../outbox/outbox.js';
import type { PaymentContext } from './payment-context.js';

/** Event kinds (and audit actions) of the cash desk. */
export const MoneyEvent = MoneyEvents;

/** A change of money to record. `data` holds amounts, currencies, codes and dates: nothing personal. */
export interface MoneyChange {
  readonly kind: (typeof MoneyEvent)[keyof typeof MoneyEvent];
  readonly entity: 'invoice' | 'payment' | 'refund' | 'cash_closing';
  readonly entityId: string;
  readonly actor: string;
  readonly at: string;
  readonly before?: unknown;
  readonly after: unknown;
  readonly data: Record<string, string | number | null>;
}

/** Appends the audit entry and the outbox event of a money change, inside the caller's transaction. */
export function recordMoneyChange(ctx: PaymentContext, change: MoneyChange): void {
  const { store } = ctx;
  appendAudit(store.db, {
    actor: change.actor,
    action: change.kind,
    entity: change.entity,
    entityId: change.entityId,
    beforeDigest: change.before === undefined ? null : digestRecord(store.keys.audit, change.before),
    afterDigest: digestRecord(store.keys.audit, change.after),
    at: change.at,
  });
  const event = newEvent({
    kind: change.kind,
    entity: change.entity,
    entityId: change.entityId,
    at: change.at,
    data: change.data,
  });
  appendEvent(store, event);
}
