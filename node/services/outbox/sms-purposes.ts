import { z } from 'zod';

/** Why an SMS is sent: shown to agents beside its delivery state, and what a cap does to it. */
export const smsPurposeSchema = z.enum([
  'booking_code',
  'booking_confirmed',
  'booking_cancelled',
  'booking_rescheduled',
  'reminder',
  'waitlist_offer',
  'file_status',
  'file_lookup_locked',
  'payment_receipt',
  'roll_call',
  'other',
]);
export type SmsPurpose = z.infer<typeof smsPurposeSchema>;
