import { AppointmentEvents, type WaitlistEvents } from '../../../protocol/index.js';
import type { Store } from '../../db/store.js';
import { digestRecord } from '../audit/audit-hash.js';
import { appendAudit } from '../audit/audit-log.js';
import { appendEvent, newEvent } from '../outbox/outbox.js';
import type { AppointmentRow } from './appointment-rows.js';

/** Event kinds (and audit actions) of appointments. */
export const AppointmentEvent = AppointmentEvents;

/** Entity names in the audit log and the outbox. */
export const APPOINTMENT_ENTITY = 'appointment';
export const WAITLIST_ENTITY = 'waitlist_entry';

/** One change to a booking, as the audit log and the hub learn of it. */
export interface AppointmentChange {
  readonly kind: (typeof AppointmentEvent)[keyof typeof AppointmentEvent];
  readonly actor: string;
  readonly at: string;
  readonly before: AppointmentRow | null;
  readonly after: AppointmentRow;
  /** Extra non-personal facts for the hub (a previous slot, a reason). */
  readonly data?: Record<string, string | number | boolean>;
}

/**
 * Appends the audit entry and the outbox event of a change; call inside its transaction. The event
 * carries the service, slot and state only: the hub's dashboards need no names or phone numbers.
 */
export function recordAppointment(store: Store, change: AppointmentChange): void {
  const { after } = change;
  appendAudit(store.db, {
    actor: change.actor,
    action: change.kind,
    entity: APPOINTMENT_ENTITY,
    entityId: after.id,
    beforeDigest: change.before === null ? null : digest(store, change.before),
    afterDigest: digest(store, after),
    at: change.at,
  });
  const data = {
    serviceCode: after.service_code,
    slotStart: after.slot_start,
    slotEnd: after.slot_end,
    state: after.state,
    fromWaitlist: after.waitlist_id !== null,
    ...change.data,
  };
  appendEvent(
    store,
    newEvent({ kind: change.kind, entity: APPOINTMENT_ENTITY, entityId: after.id, at: change.at, data }),
  );
}

/** Appends the audit entry and event of a waiting-list change (service and day only). */
export function recordWaitlist(
  store: Store,
  change: {
    kind: (typeof WaitlistEvents)[keyof typeof WaitlistEvents];
    actor: string;
    at: string;
    id: string;
    serviceCode: string;
    day: string;
    state: string;
  },
): void {
  const facts = { serviceCode: change.serviceCode, day: change.day, state: change.state };
  appendAudit(store.db, {
    actor: change.actor,
    action: change.kind,
    entity: WAITLIST_ENTITY,
    entityId: change.id,
    afterDigest: digestRecord(store.keys.audit, facts),
    at: change.at,
  });
  appendEvent(
    store,
    newEvent({ kind: change.kind, entity: WAITLIST_ENTITY, entityId: change.id, at: change.at, data: facts }),
  );
}

// The digest covers who, which document and where the booking stands, so a silent edit of any of
// them is visible to whoever holds the audit key.
function digest(store: Store, row: AppointmentRow): string {
  return digestRecord(store.keys.audit, {
    reference: row.reference,
    serviceCode: row.service_code,
    slotStart: row.slot_start,
    state: row.state,
    personId: row.person_id,
    phone: Buffer.from(row.phone_bidx).toString('hex'),
    document: Buffer.from(row.document_bidx).toString('hex'),
    checkedInBy: row.checked_in_by,
  });
}
