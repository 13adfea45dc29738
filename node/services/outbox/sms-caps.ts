import { getCountries, getCountryCallingCode } from 'libphonenumber-js/max';
import { z } from 'zod';
import { blindIndex } from '../../crypto/blind-index.js';
import type { DataKeys } from '../../crypto/data-keys.js';
import type { Db } from '../../db/db.js';
import type { SmsPurpose } from './sms-purposes.js';

/**
 * How many SMS the node queues to one phone number, and to one number prefix, in any hour and any
 * day: against SMS pumping (a booking form used to send texts to numbers that earn their owner a
 * share of the fee) and against a number being flooded with codes. Per phone, a family booking
 * for several people stays well below; per prefix, the caps are far above what a mission's
 * applicants send to one operator's range, and still stop a run through a range of numbers. Each
 * cap applies twice (see {@link SmsCapScope}): to the SMS anyone can ask for, and to all SMS.
 */
export const smsCapsSchema = z
  .strictObject({
    perPhonePerHour: z.int().min(1).max(10_000).default(5),
    perPhonePerDay: z.int().min(1).max(100_000).default(10),
    perPrefixPerHour: z.int().min(1).max(1_000_000).default(50),
    perPrefixPerDay: z.int().min(1).max(10_000_000).default(200),
    /**
     * Digits of the national number kept after the country code to make the prefix: 3 by default,
     * enough to name an operator's block (France +33 612…, the US and Canada's area code +1 212…,
     * Central Africa +236 72x…), which is how pumping ranges are leased, and wide enough that one
     * prefix holds many ordinary applicants.
     */
    prefixDigits: z.int().min(1).max(6).default(3),
  })
  .refine(
    (caps) => caps.perPhonePerHour <= caps.perPhonePerDay && caps.perPrefixPerHour <= caps.perPrefixPerDay,
    {
      error: 'an hourly cap above the daily one would never apply',
    },
  );
/** SMS caps with every default applied. */
export type SmsCaps = z.infer<typeof smsCapsSchema>;
/** SMS caps as configured (any subset). */
export type SmsCapsInput = z.input<typeof smsCapsSchema>;

/** The caps the node starts with. */
export const DEFAULT_SMS_CAPS: SmsCaps = smsCapsSchema.parse({});

/** Which cap an SMS reached: the one named first in this order when several are. */
export type SmsCapReason = 'phone_hour' | 'phone_day' | 'prefix_hour' | 'prefix_day';

// ITU-T E.164 country codes are prefix-free: 1 and 7 have one digit, a fixed list has two, and all
// others (non-geographic +800, +882, … included) have three. The short ones are all countries'.
const SHORT_COUNTRY_CODES = new Set(
  getCountries()
    .map((country) => getCountryCallingCode(country))
    .filter((code) => code.length < 3),
);

/** The country code and the first `nationalDigits` digits of an E.164 number (`+33612345678` → `+33612`). */
export function numberPrefix(e164: string, nationalDigits: number): string {
  const digits = e164.slice(1);
  const codeLength = [1, 2].find((length) => SHORT_COUNTRY_CODES.has(digits.slice(0, length))) ?? 3;
  return `+${digits.slice(0, codeLength + nationalDigits)}`;
}

/** Blind indexes an SMS is counted under: its phone number and its number prefix. */
export interface SmsCapIndexes {
  readonly to_bidx: Uint8Array;
  readonly prefix_bidx: Uint8Array;
}

/** The indexes of an E.164 number: keyed, so the table names no number or range in clear. */
export function smsCapIndexes(keys: DataKeys, e164: string, caps: SmsCaps): SmsCapIndexes {
  return {
    to_bidx: blindIndex(keys.index, 'phone', e164),
    prefix_bidx: blindIndex(keys.index, 'phone_prefix', numberPrefix(e164, caps.prefixDigits)),
  };
}

/**
 * What a cap counts. `requests`: the SMS someone can ask for (a booking's code, a waiting-list
 * offer, an applicant's move), for deciding on another such request: news of changes already made
 * (a confirmation, a reminder, a file's status) never makes a request refused, so a refusal tells a
 * stranger nothing of what the number's owner has booked. `all`: every SMS, for deciding on news.
 */
export type SmsCapScope = 'requests' | 'all';

/** The purposes an SMS is counted under in the `requests` scope. */
export const REQUESTED_PURPOSES = [
  'booking_code',
  'waitlist_offer',
  'booking_rescheduled',
] as const satisfies readonly SmsPurpose[];

/**
 * Purposes no cap applies to, and which no cap counts. A crisis roll-call (services/roll-calls/)
 * sends one SMS per phone per roll-call to the mission's own register: numbers the mission
 * verified, chosen by a consul, never by a stranger's form, so there is nothing to pump. Capped,
 * it would be dropped exactly when it matters — a phone that got its booking code and reminders
 * that day, or the thousands of nationals on one operator's prefix (+236 72x) far past the prefix
 * caps. Not counted either (its SMS keep no cap indexes): otherwise one roll-call would fill the
 * prefix windows and every reminder and confirmation to that prefix would be dropped for a day.
 */
export const UNCAPPED_PURPOSES: ReadonlySet<SmsPurpose> = new Set<SmsPurpose>(['roll_call']);

const REQUESTED = REQUESTED_PURPOSES.map((purpose) => `'${purpose}'`).join(', ');
// Rolling windows: a cap that reset on the hour would let twice its number through around it.
const STATEMENTS: Record<SmsCapScope, { phone: string; prefix: string }> = {
  all: {
    phone: `SELECT count(*) AS day, count(*) FILTER (WHERE created_at > @hourAgo) AS hour
      FROM sms_outbox WHERE to_bidx = @index AND created_at > @dayAgo`,
    prefix: `SELECT count(*) AS day, count(*) FILTER (WHERE created_at > @hourAgo) AS hour
      FROM sms_outbox WHERE prefix_bidx = @index AND created_at > @dayAgo`,
  },
  requests: {
    phone: `SELECT count(*) AS day, count(*) FILTER (WHERE created_at > @hourAgo) AS hour
      FROM sms_outbox WHERE to_bidx = @index AND created_at > @dayAgo AND purpose IN (${REQUESTED})`,
    prefix: `SELECT count(*) AS day, count(*) FILTER (WHERE created_at > @hourAgo) AS hour
      FROM sms_outbox WHERE prefix_bidx = @index AND created_at > @dayAgo AND purpose IN (${REQUESTED})`,
  },
};

/**
 * The first cap that one more SMS to these indexes would pass, counting the SMS of `scope` queued
 * in the hour and the day before `now`; undefined when it may go. Run it in the transaction that
 * queues the SMS.
 */
export function capReached(
  db: Db,
  indexes: SmsCapIndexes,
  caps: SmsCaps,
  now: Date,
  scope: SmsCapScope,
): SmsCapReason | undefined {
  const window = {
    hourAgo: new Date(now.getTime() - 3_600_000).toISOString(),
    dayAgo: new Date(now.getTime() - 86_400_000).toISOString(),
  };
  const statements = STATEMENTS[scope];
  const phone = db.prepare(statements.phone).get({ ...window, index: indexes.to_bidx }) as Counts;
  if (phone.hour >= caps.perPhonePerHour) return 'phone_hour';
  if (phone.day >= caps.perPhonePerDay) return 'phone_day';
  const prefix = db.prepare(statements.prefix).get({ ...window, index: indexes.prefix_bidx }) as Counts;
  if (prefix.hour >= caps.perPrefixPerHour) return 'prefix_hour';
  if (prefix.day >= caps.perPrefixPerDay) return 'prefix_day';
  return undefined;
}

interface Counts {
  hour: number;
  day: number;
}
