import { z } from 'zod';
import { countSchema, instantSchema } from './field-schemas.js';

const place = z.string().min(1).max(100);

/**
 * Who a roll-call reaches at the mission: every registered national, or those whose address names
 * one of the cities or regions of the host country.
 */
export const rollCallZoneSchema = z.union([
  z.strictObject({ all: z.literal(true) }),
  z.strictObject({ cities: z.array(place).min(1).max(50) }),
  z.strictObject({ regions: z.array(place).min(1).max(50) }),
]);
export type RollCallZone = z.infer<typeof rollCallZoneSchema>;

// One SMS holds the title, the message, a household's names and the answer codes (three SMS).
const smsMessage = z.string().min(1).max(240);

/**
 * The roll-call a `directive` orders (its optional `rollCall` field): each target mission starts it
 * when the directive arrives, once per directive id however often it is delivered (PROTOCOL.md,
 * "Crisis roll-calls").
 */
export const rollCallOrderSchema = z.strictObject({
  title: z.string().min(1).max(60),
  message: z.strictObject({ fr: smsMessage, sg: smsMessage, en: smsMessage }),
  zone: rollCallZoneSchema,
  endsAt: instantSchema,
  /**
   * The ministry asks for the list of the people who need help. Nothing personal goes up unless the
   * consul also approves (not built in this version: only the counts travel).
   */
  needHelpList: z.boolean(),
});
export type RollCallOrder = z.infer<typeof rollCallOrderSchema>;

/** The states of a roll-call at its mission. */
export const ROLL_CALL_STATES = ['open', 'closed'] as const;

/** Domain events of roll-calls (the `entity` is `roll_call`, the `entityId` the mission's id of it). */
export const RollCallEvents = { Counts: 'roll_call.counts' } as const;

/**
 * The data of `roll_call.counts`: where one roll-call stands, counts only — never a name, a phone or
 * an address. `countedAt` orders two counts of one roll-call: the newer wins at the hub.
 */
export const rollCallCountsDataSchema = z.looseObject({
  title: z.string(),
  directiveId: z.uuid().nullable(),
  state: z.enum(ROLL_CALL_STATES),
  startedAt: instantSchema,
  endsAt: instantSchema,
  closedAt: instantSchema.nullable(),
  countedAt: instantSchema,
  people: countSchema,
  reached: countSchema,
  safe: countSchema,
  needHelp: countSchema,
  notInZone: countSchema,
  noAnswer: countSchema,
});
export type RollCallCountsData = z.infer<typeof rollCallCountsDataSchema>;
