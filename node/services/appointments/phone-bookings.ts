import { blindIndex } from '../../crypto/blind-index.js';
import type { AppointmentsContext } from './context.js';

/** A confirmed booking still to come, without anything personal. */
export interface UpcomingBooking {
  readonly serviceCode: string;
  readonly slotStart: string;
}

/**
 * The confirmed bookings of a phone number that have not ended yet, soonest first, at most
 * `limit`. Bookings carry a blind index of their phone: found without decrypting anyone's number.
 */
export function upcomingOfPhone(ctx: AppointmentsContext, phone: string, limit: number): UpcomingBooking[] {
  const rows = ctx.store.db
    .prepare(
      `SELECT service_code, slot_start FROM appointments
       WHERE phone_bidx = ? AND state = 'confirmed' AND slot_end > ? ORDER BY slot_start LIMIT ?`,
    )
    .all(blindIndex(ctx.store.keys.index, 'phone', phone), ctx.now().toISOString(), limit) as {
    service_code: string;
    slot_start: string;
  }[];
  return rows.map((row) => ({ serviceCode: row.service_code, slotStart: row.slot_start }));
}
