/**
 * Partial dates as registers hold them. Births declared late often carry only a year ("vers 1975"),
 * sometimes a month; clerks write 12/03/1985, 12.03.1985, 1985-03-12 or "12 mars 1985", and use
 * 00 for an unknown day or month.
 */
import { foldText } from './normalise.js';

/** A date known to the year, the month or the day. */
export interface PartialDate {
  readonly year: number;
  readonly month?: number;
  readonly day?: number;
}

const MONTHS: Readonly<Record<string, number>> = {
  janvier: 1,
  fevrier: 2,
  mars: 3,
  avril: 4,
  mai: 5,
  juin: 6,
  juillet: 7,
  aout: 8,
  septembre: 9,
  octobre: 10,
  novembre: 11,
  decembre: 12,
  january: 1,
  february: 2,
  march: 3,
  april: 4,
  may: 5,
  june: 6,
  july: 7,
  august: 8,
  september: 9,
  october: 10,
  november: 11,
  december: 12,
};

const APPROXIMATE = /^(?:ne\s+|nee\s+)?(?:vers|env\.?|environ|ca\.?|circa|about)\s+/;
const ISO = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/;
const DAY_FIRST = /^(?:(\d{1,2})[/.\-\s])?(\d{1,2})[/.\-\s](\d{4})$/;
const WORDS = /^(?:(\d{1,2})(?:er)?\s+)?([a-z]+)\.?\s+(\d{4})$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Builds a date from its parts; 0 or absent day/month means unknown; undefined when impossible. */
function fromParts(year: number, month = 0, day = 0): PartialDate | undefined {
  if (year < 1850 || year > 2200 || month > 12 || (month === 0 && day !== 0)) return undefined;
  if (month === 0) return { year };
  if (day === 0) return { year, month };
  return day <= daysInMonth(year, month) ? { year, month, day } : undefined;
}

/** Reads a date in any of the formats registers use; undefined when it is not one. */
export function parsePartialDate(text: string): PartialDate | undefined {
  const value = foldText(text.trim()).replace(APPROXIMATE, '');
  const iso = ISO.exec(value);
  if (iso) return fromParts(Number(iso[1]), Number(iso[2] ?? 0), Number(iso[3] ?? 0));
  const dayFirst = DAY_FIRST.exec(value);
  if (dayFirst) return fromParts(Number(dayFirst[3]), Number(dayFirst[2]), Number(dayFirst[1] ?? 0));
  const words = WORDS.exec(value);
  const month = words ? MONTHS[words[2] ?? ''] : undefined;
  if (words && month) return fromParts(Number(words[3]), month, Number(words[1] ?? 0));
  return undefined;
}

/** The ISO form the protocol carries: YYYY, YYYY-MM or YYYY-MM-DD. */
export function formatPartialDate(date: PartialDate): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  if (date.month === undefined) return String(date.year);
  if (date.day === undefined) return `${date.year}-${pad(date.month)}`;
  return `${date.year}-${pad(date.month)}-${pad(date.day)}`;
}
