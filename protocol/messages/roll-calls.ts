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
   * mission's consul approves: then `roll_call.need_help` carries it (PROTOCOL.md, "Crisis
   * roll-calls").
   */
  needHelpList: z.boolean(),
});
export type RollCallOrder = z.infer<typeof rollCallOrderSchema>;

/** The states of a roll-call at its mission. */
export const ROLL_CALL_STATES = ['open', 'closed'] as const;

/** Domain events of roll-calls (the `entity` is `roll_call`, the `entityId` the mission's id of it). */
export const RollCallEvents = { Counts: 'roll_call.counts', NeedHelp: 'roll_call.need_help' } as const;

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

/**
 * Where a mission's list of the people who need help stands: `approved`, the consul approved the
 * directive's request and `people` is the whole list as it is now; `withdrawn`, the consul took the
 * approval back; `purged`, the mission's retention purged the roll-call's answers. The last two
 * carry no one: HQ drops the list it holds.
 */
export const NEED_HELP_SHARING = ['approved', 'withdrawn', 'purged'] as const;
export type NeedHelpSharing = (typeof NEED_HELP_SHARING)[number];

/** The most people one `roll_call.need_help` lists (a mission's register is far smaller). */
export const MAX_NEED_HELP_PEOPLE = 20_000;

/**
 * One person who needs help, as little as HQ needs to act: the name, the phone (E.164) and the
 * city of the registered address (never the street), when the person said so, and the agent's
 * follow-up outcome (`reached_by_phone`, `visited`, `evacuated`, `unreachable`; read as text, so a
 * newer node's outcome does not make the list unreadable) with its time.
 */
export const rollCallNeedHelpPersonSchema = z.looseObject({
  name: z.string().min(1).max(300),
  phone: z.string().max(20).nullable(),
  city: z.string().max(100).nullable(),
  answeredAt: instantSchema.nullable(),
  outcome: z.string().min(1).max(40).nullable(),
  outcomeAt: instantSchema.nullable(),
});
export type RollCallNeedHelpPerson = z.infer<typeof rollCallNeedHelpPersonSchema>;

/**
 * The data of `roll_call.need_help` (entity `roll_call`, `entityId` the mission's id of it): the
 * whole list each time, sent only for a roll-call a directive ordered with `needHelpList: true` and
 * only once the consul approved. `listedAt` orders two lists of one roll-call: the newer wins at
 * the hub. `withdrawn` and `purged` list no one.
 */
export const rollCallNeedHelpDataSchema = z
  .looseObject({
    directiveId: z.uuid(),
    sharing: z.enum(NEED_HELP_SHARING),
    listedAt: instantSchema,
    people: z.array(rollCallNeedHelpPersonSchema).max(MAX_NEED_HELP_PEOPLE),
  })
  .refine((data) => data.sharing === 'approved' || data.people.length === 0, {
    path: ['people'],
    error: 'a withdrawn or purged list names no one',
  });
export type RollCallNeedHelpData = z.infer<typeof rollCallNeedHelpDataSchema>;
