import type { MissionEvent } from '../../../protocol/index.js';
import type { Store } from '../../db/store.js';
import { APPOINTMENT_ENTITY } from '../appointments/record.js';
import { CIVIL_STATUS_ENTITY } from '../civil-status/civil-status-change.js';
import { FILE_ENTITY } from '../files/file-events.js';
import { REGISTRATION_ENTITY } from '../registrations/registration-census.js';
import type { Change } from './change.js';

/**
 * What the screens hear of a committed event. The event names the row it changed; the screens
 * know a booking by its reference and a payment or refund by its invoice, so those are looked up.
 * Areas the screens do not follow (people, surveys, the catalogue…) still pass, by type only: the
 * live socket drops what no role may read.
 */
export function changeOfEvent(store: Store, event: MissionEvent): Change {
  const base = { type: event.kind, at: event.at };
  const data = event.data as { serviceCode?: unknown; state?: unknown; to?: unknown };
  const serviceCode = typeof data.serviceCode === 'string' ? data.serviceCode : undefined;
  const withService = serviceCode === undefined ? {} : { serviceCode };
  switch (event.entity) {
    case APPOINTMENT_ENTITY: {
      const ref = lookup(store, 'SELECT reference AS v FROM appointments WHERE id = ?', event.entityId);
      return { ...base, ...optional('ref', ref), ...withService, ...optional('state', text(data.state)) };
    }
    case FILE_ENTITY:
      return {
        ...base,
        ref: event.entityId,
        ...withService,
        ...optional('state', text(data.state) ?? text(data.to)),
      };
    case 'invoice':
      return { ...base, ref: event.entityId, ...withService, ...invoiceState(store, event.entityId) };
    case 'payment': {
      const invoice = lookup(store, 'SELECT invoice_id AS v FROM payments WHERE id = ?', event.entityId);
      return { ...base, ...optional('ref', invoice), ...(invoice ? invoiceState(store, invoice) : {}) };
    }
    case 'refund': {
      const invoice = lookup(
        store,
        'SELECT p.invoice_id AS v FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE r.id = ?',
        event.entityId,
      );
      return { ...base, ...optional('ref', invoice), state: 'refunded' };
    }
    case REGISTRATION_ENTITY:
      return { ...base, ref: event.entityId, ...stateOf(store, 'registrations', event.entityId) };
    case CIVIL_STATUS_ENTITY:
      return { ...base, ref: event.entityId, ...stateOf(store, 'civil_status_records', event.entityId) };
    default:
      return base;
  }
}

function invoiceState(store: Store, invoiceId: string): { state?: string } {
  return stateOf(store, 'invoices', invoiceId);
}

// The record's state now, read just after the commit that wrote the event: these events carry no
// state of their own.
const STATE_OF = {
  invoices: 'SELECT state AS v FROM invoices WHERE id = ?',
  registrations: 'SELECT state AS v FROM registrations WHERE id = ?',
  civil_status_records: 'SELECT state AS v FROM civil_status_records WHERE id = ?',
} as const;

function stateOf(store: Store, table: keyof typeof STATE_OF, id: string) {
  return optional('state', lookup(store, STATE_OF[table], id));
}

function lookup(store: Store, sql: string, id: string): string | undefined {
  const row = store.db.prepare(sql).get(id) as { v: string } | undefined;
  return row?.v;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
