import { z } from 'zod';

/** The mission's booking rules; every field has a default. */
export const appointmentRulesSchema = z.strictObject({
  /** How long a new booking holds its place while waiting for the SMS code. */
  holdMinutes: z.int().min(1).max(120).default(15),
  /** How long a place offered from the waiting list is held for the next person in line. */
  offerHoldMinutes: z.int().min(5).max(1440).default(120),
  /** Wrong codes allowed before the hold is released. */
  maxCodeAttempts: z.int().min(1).max(10).default(5),
  /** Active bookings (held or upcoming) per phone number: families share phones. */
  maxActivePerPhone: z.int().min(1).max(50).default(3),
  /** Active bookings per person (identity document number). */
  maxActivePerPerson: z.int().min(1).max(10).default(2),
  /** How long before the appointment the reminder SMS goes. */
  reminderLeadHours: z.int().min(1).max(168).default(24),
  /** How far ahead slots can be booked. */
  horizonDays: z.int().min(1).max(365).default(90),
  /** Minutes after a slot's end before an unchecked booking counts as a no-show. */
  noShowGraceMinutes: z.int().min(0).max(480).default(30),
  /** Places per slot of a service without its own calendar. */
  defaultCapacity: z.int().min(1).max(500).default(4),
  /** Longest date range one slot listing covers. */
  maxRangeDays: z.int().min(1).max(92).default(62),
});
/** Booking rules with every default applied. */
export type AppointmentRules = z.infer<typeof appointmentRulesSchema>;
/** Booking rules as configured (any subset). */
export type AppointmentRulesInput = z.input<typeof appointmentRulesSchema>;
