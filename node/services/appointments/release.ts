import { type AppointmentRow, selectById, updateAppointment } from './appointment-rows.js';
import type { AppointmentsContext } from './context.js';
import { AppointmentEvent, recordAppointment } from './record.js';
import { offerFreedPlace, settleWaitlist } from './waitlist.js';

/** How a booking ends before its slot. */
export interface Ending {
  readonly state: 'expired' | 'cancelled';
  readonly actor: string;
  readonly now: Date;
  readonly data?: Record<string, string>;
}

/**
 * Ends a held or confirmed booking (expired hold, too many wrong codes, cancellation), records it,
 * settles a waiting-list offer it came from and offers the freed place to the next in line. Call
 * inside an immediate transaction.
 */
export function endBooking(ctx: AppointmentsContext, row: AppointmentRow, ending: Ending): AppointmentRow {
  const { db } = ctx.store;
  const at = ending.now.toISOString();
  updateAppointment(db, row.id, { state: ending.state, code_hash: null }, at);
  const after = selectById(db, row.id)!;
  const kind = ending.state === 'expired' ? AppointmentEvent.Expired : AppointmentEvent.Cancelled;
  recordAppointment(ctx.store, { kind, actor: ending.actor, at, before: row, after, data: ending.data });
  if (row.waitlist_id !== null && row.state === 'held') {
    settleWaitlist(
      ctx,
      row.waitlist_id,
      ending.state === 'expired' ? 'lapsed' : 'withdrawn',
      ending.actor,
      ending.now,
    );
  }
  offerFreedPlace(
    ctx,
    row.service_code,
    { start: row.slot_start, end: row.slot_end },
    ending.now,
    ending.actor,
  );
  return after;
}

/** True when a held booking's window has passed (it no longer holds its place). */
export function isHoldOver(row: AppointmentRow, now: Date): boolean {
  return row.state === 'held' && (row.hold_expires_at ?? '') <= now.toISOString();
}
