import { DateTime } from 'luxon';
import { immediateTransaction } from '../../db/transaction.js';
import { type AppointmentRow, selectById, updateAppointment } from './appointment-rows.js';
import type { AppointmentsContext } from './context.js';
import { notifyApplicant } from './hold.js';
import { endBooking } from './release.js';

const SYSTEM = 'system:appointments';

/**
 * Ends the holds whose window has passed (codes never entered, waiting-list offers not taken) and
 * passes each freed place to the next person waiting. Returns the expired bookings.
 */
export function expireHolds(ctx: AppointmentsContext): AppointmentRow[] {
  const { db } = ctx.store;
  const run = (): AppointmentRow[] => {
    const now = ctx.now();
    const due = db
      .prepare(
        `SELECT * FROM appointments WHERE state = 'held' AND hold_expires_at <= ? ORDER BY hold_expires_at`,
      )
      .all(now.toISOString()) as AppointmentRow[];
    // Re-read each: ending one hold may already have offered (and so changed) another row.
    return due.flatMap((stale) => {
      const row = selectById(db, stale.id)!;
      return row.state === 'held' ? [endBooking(ctx, row, { state: 'expired', actor: SYSTEM, now })] : [];
    });
  };
  return immediateTransaction(db, run);
}

/**
 * Queues one reminder SMS per confirmed booking starting within the reminder lead time. Each is
 * marked as reminded in the same transaction, so running the job twice sends nothing twice.
 * Returns the bookings reminded.
 */
export function queueReminders(ctx: AppointmentsContext): AppointmentRow[] {
  const { db } = ctx.store;
  const run = (): AppointmentRow[] => {
    const now = ctx.now();
    const at = now.toISOString();
    const until = DateTime.fromJSDate(now).plus({ hours: ctx.rules.reminderLeadHours }).toUTC().toISO()!;
    const due = db
      .prepare(
        `SELECT * FROM appointments WHERE state = 'confirmed' AND reminder_queued_at IS NULL
         AND slot_start > ? AND slot_start <= ? ORDER BY slot_start`,
      )
      .all(at, until) as AppointmentRow[];
    return due.map((row) => {
      updateAppointment(db, row.id, { reminder_queued_at: at }, at);
      notifyApplicant(ctx, row, 'reminder');
      return selectById(db, row.id)!;
    });
  };
  return immediateTransaction(db, run);
}
