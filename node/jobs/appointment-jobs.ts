import type { Appointments } from '../services/appointments/appointments.js';

/** The appointment book's periodic work; each returns the booking references it touched. */
type AppointmentJobs = Pick<Appointments, 'queueReminders' | 'expireHolds' | 'markNoShows'>;

/** Queues the reminder SMS of the bookings coming up (each booking is reminded once). */
export function sendAppointmentReminders(appointments: AppointmentJobs): { reminded: number } {
  return { reminded: appointments.queueReminders().length };
}

/** Ends the SMS-confirmation holds that ran out and offers their places to the waiting list. */
export function expireAppointmentHolds(appointments: AppointmentJobs): { expired: number } {
  return { expired: appointments.expireHolds().length };
}

/** Marks as no-shows the confirmed bookings whose time has passed without a check-in. */
export function markMissedAppointments(appointments: AppointmentJobs): { noShows: number } {
  return { noShows: appointments.markNoShows().length };
}
