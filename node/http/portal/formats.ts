import { formatMoney } from '../../../common/money/index.js';
import { LANGUAGES, type Language, LOCALES } from '../../i18n/index.js';

/** How a page writes dates, times and money for its reader, in the mission's time zone. */
export interface Formats {
  /** `mardi 3 mars 2026` of an instant. */
  day(iso: string): string;
  /** `mardi 3 mars` of a local day `YYYY-MM-DD`. */
  localDay(day: string): string;
  /** `09:20` of an instant. */
  time(iso: string): string;
  /** `mardi 3 mars 2026 à 09:20` of an instant. */
  dateTime(iso: string): string;
  /** `lundi` of an ISO weekday (1 = Monday). */
  weekday(isoWeekday: number): string;
  /** `75 000 FCFA` of integer minor units. */
  money(amountMinor: number, currency: string): string;
}

/** The formats of each language for a mission's time zone, built once. */
export function createFormats(timeZone: string): Readonly<Record<Language, Formats>> {
  return Object.fromEntries(LANGUAGES.map((lang) => [lang, formatsOf(LOCALES[lang], timeZone)])) as Record<
    Language,
    Formats
  >;
}

function formatsOf(locale: string, timeZone: string): Formats {
  const day = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'full' });
  const localDay = new Intl.DateTimeFormat(locale, {
    timeZone: 'UTC',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
  });
  const weekday = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: 'long' });
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit' });
  const dateTime = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'full', timeStyle: 'short' });
  return {
    day: (iso) => day.format(new Date(iso)),
    localDay: (value) => localDay.format(new Date(`${value}T12:00:00Z`)),
    // 1 January 2024 was a Monday.
    weekday: (isoWeekday) => weekday.format(new Date(Date.UTC(2024, 0, isoWeekday, 12))),
    time: (iso) => time.format(new Date(iso)),
    dateTime: (iso) => dateTime.format(new Date(iso)),
    // ISO 4217's decimals (XAF none, EUR two), not CLDR's; Sango amounts are written as French.
    money: (amountMinor, currency) => formatMoney(amountMinor, currency, locale),
  };
}
