import type { MessageKey } from '../../i18n/index.js';
import {
  AppointmentError,
  type AppointmentErrorCode,
  appointmentErrorStatus,
} from '../../services/appointments/errors.js';

/** What the applicant reads when the appointment book refuses a step, by the domain's code. */
const BOOKING_ALERTS: Readonly<Partial<Record<AppointmentErrorCode, MessageKey>>> = {
  slot_full: 'booking.err.slotFull',
  slot_in_past: 'booking.err.slotGone',
  closed: 'booking.err.slotGone',
  outside_opening_hours: 'booking.err.slotGone',
  beyond_horizon: 'booking.err.slotGone',
  phone_limit: 'booking.err.phoneLimit',
  person_limit: 'booking.err.personLimit',
  sms_limit: 'booking.err.smsLimit',
  wrong_code: 'booking.err.wrongCode',
  too_many_attempts: 'booking.err.tooManyAttempts',
  hold_expired: 'booking.err.holdExpired',
  not_found: 'manage.err.notFound',
  invalid_state: 'manage.err.invalidState',
};

/**
 * The message of an appointment refusal a page shows next to its form; undefined for anything else
 * (an unknown service, a bug), which the error page handles.
 */
export function bookingAlert(error: unknown): MessageKey | undefined {
  if (!(error instanceof AppointmentError)) return undefined;
  return BOOKING_ALERTS[error.code];
}

/** The HTTP status of a refused step, as the public API answers it. */
export function bookingStatus(error: unknown): number {
  return error instanceof AppointmentError ? appointmentErrorStatus[error.code] : 400;
}
