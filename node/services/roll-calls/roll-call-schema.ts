import { z } from 'zod';

const place = z.string().trim().min(1).max(100);

/** Who a roll-call reaches: every registered national, or those whose address names a city or region. */
export const zoneSchema = z.union([
  z.strictObject({ all: z.literal(true) }),
  z.strictObject({ cities: z.array(place).min(1).max(50) }),
  z.strictObject({ regions: z.array(place).min(1).max(50) }),
]);
export type Zone = z.infer<typeof zoneSchema>;

// One SMS must hold the title, the message, the names of a household and the answer codes
// (the outbox takes 480 characters: three concatenated SMS).
const message = z.string().trim().min(1).max(240);

/** What a consul gives to start a roll-call. */
export const startRollCallSchema = z.strictObject({
  title: z.string().trim().min(1).max(60),
  message: z.strictObject({ fr: message, sg: message, en: message }),
  zone: zoneSchema,
  endsAt: z.iso.datetime({ offset: true }),
  dryRun: z.boolean().optional(),
});
export type StartRollCallInput = z.input<typeof startRollCallSchema>;

/** Where a person stands in a roll-call. */
export const ROLL_CALL_STATUSES = ['no_answer', 'safe', 'need_help', 'not_in_zone'] as const;
export type RollCallStatus = (typeof ROLL_CALL_STATUSES)[number];

/** What an agent's follow-up of one person came to. */
export const ROLL_CALL_OUTCOMES = ['reached_by_phone', 'visited', 'evacuated', 'unreachable'] as const;
export type RollCallOutcome = (typeof ROLL_CALL_OUTCOMES)[number];

/**
 * An agent's follow-up of one person: the outcome, and optionally the person's own status, set
 * apart from the household's shared phone (an SMS answer from that phone then leaves it alone).
 */
export const outcomeSchema = z.strictObject({
  outcome: z.enum(ROLL_CALL_OUTCOMES),
  status: z.enum(ROLL_CALL_STATUSES).exclude(['no_answer']).optional(),
});
export type OutcomeInput = z.input<typeof outcomeSchema>;
