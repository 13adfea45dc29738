import { z } from 'zod';

/** An RFC 3339 UTC timestamp with milliseconds, the text form of every time on the wire. */
export const instantSchema = z.iso.datetime({ offset: false });

/** A text in the three languages of the service; French is always present (the default). */
export const localizedTextSchema = z.strictObject({
  fr: z.string().min(1).max(4000),
  sg: z.string().max(4000).optional(),
  en: z.string().max(4000).optional(),
});

/** An amount of money: integer minor units and an ISO 4217 currency code. Never a float. */
export const moneySchema = z.strictObject({
  amountMinor: z.int().min(0).max(1_000_000_000_000),
  currency: z.string().regex(/^[A-Z]{3}$/),
});

/** A non-negative counter. */
export const countSchema = z.int().min(0);

/**
 * What a mission still has to send once the message carrying this is applied: the outbox events it
 * has not yet sealed into any envelope, and the time of the oldest. Every sequenced up message may
 * carry it (`backlog`), so the hub's view of the mission follows each message it applies.
 */
export const backlogReportSchema = z.strictObject({
  events: countSchema,
  oldestAt: instantSchema.optional(),
});
export type BacklogReport = z.infer<typeof backlogReportSchema>;

/** An identifier chosen by its owner: letters, digits, dot, dash, underscore, colon. */
export const recordIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,80}$/);
