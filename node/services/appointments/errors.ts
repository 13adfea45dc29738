import { CodedError } from '../../../common/errors/coded-error.js';

/** Stable codes of appointment refusals; the HTTP layer maps each to a status. */
export const AppointmentErrorCode = {
  InvalidInput: 'invalid_input',
  UnknownService: 'unknown_service',
  OutsideOpeningHours: 'outside_opening_hours',
  Closed: 'closed',
  SlotInPast: 'slot_in_past',
  BeyondHorizon: 'beyond_horizon',
  SlotFull: 'slot_full',
  /** At confirmation only, once the code has proved the phone (booking-limits.ts). */
  PhoneLimit: 'phone_limit',
  /** At confirmation only, counting the person's bookings on the same phone (booking-limits.ts). */
  PersonLimit: 'person_limit',
  /** A cap on SMS to the number or its prefix: the booking or move is not made (sms-allowance.ts). */
  SmsLimit: 'sms_limit',
  NotFound: 'not_found',
  WrongCode: 'wrong_code',
  TooManyAttempts: 'too_many_attempts',
  HoldExpired: 'hold_expired',
  InvalidState: 'invalid_state',
  IdentityMismatch: 'identity_mismatch',
  WrongDay: 'wrong_day',
  AlreadyWaiting: 'already_waiting',
  SlotsAvailable: 'slots_available',
} as const;
export type AppointmentErrorCode = (typeof AppointmentErrorCode)[keyof typeof AppointmentErrorCode];

/** HTTP status for each refusal, for the API's error handler. */
export const appointmentErrorStatus: Record<AppointmentErrorCode, number> = {
  invalid_input: 400,
  unknown_service: 404,
  outside_opening_hours: 422,
  closed: 422,
  slot_in_past: 422,
  beyond_horizon: 422,
  slot_full: 409,
  phone_limit: 429,
  person_limit: 429,
  sms_limit: 429,
  not_found: 404,
  wrong_code: 422,
  too_many_attempts: 429,
  hold_expired: 410,
  invalid_state: 409,
  identity_mismatch: 403,
  wrong_day: 409,
  already_waiting: 409,
  slots_available: 409,
};

/** A refusal of the appointment service, with its stable code. */
export class AppointmentError extends CodedError<AppointmentErrorCode> {
  override readonly name = 'AppointmentError';
}

/** Shorthand for throwing a refusal. */
export function refuse(code: AppointmentErrorCode, message: string, cause?: unknown): never {
  throw new AppointmentError(code, message, cause === undefined ? undefined : { cause });
}
