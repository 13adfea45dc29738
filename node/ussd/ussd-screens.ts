import { DateTime } from 'luxon';
import { fileStateLabel } from '../services/files/file-messages.js';
import { formatAmount } from '../services/payments/payment-messages.js';
import type { UssdAppointment, UssdData, UssdFileLookup, UssdHours, UssdServiceFees } from './ussd-data.js';
import { USSD_MESSAGES, type UssdLang } from './ussd-messages.js';
import { clip, endWith, toUssdAscii } from './ussd-text.js';

/** Longest service name in a reply that is about that service. */
const TITLE_CHARS = 70;

function local(iso: string, zone: string): DateTime {
  return DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone);
}

/** A file's status; with its service when the caller is the applicant. */
export function fileStatusScreen(lang: UssdLang, data: UssdData, file: UssdFileLookup & { found: true }) {
  const text = USSD_MESSAGES[lang];
  const since = local(file.since, data.zone).toFormat('dd/MM/yyyy');
  const status = text.fileStatus(file.trackingNumber, fileStateLabel(lang, file.state), since);
  const service = file.serviceName === undefined ? [] : [text.service(clip(file.serviceName, TITLE_CHARS))];
  return endWith([status, ...service]);
}

/** The caller's next appointment, or why there is none to tell. */
export function appointmentScreen(lang: UssdLang, data: UssdData, phone: string | undefined): string {
  const text = USSD_MESSAGES[lang];
  if (phone === undefined) return endWith([text.noPhone]);
  const next: UssdAppointment | undefined = data.nextAppointment(phone, lang);
  if (next === undefined) return endWith([text.noAppointment]);
  const start = local(next.slotStart, data.zone);
  return endWith([
    text.nextAppointment(start.toFormat('dd/MM/yyyy'), start.toFormat('HH:mm')),
    clip(toUssdAscii(next.serviceName), TITLE_CHARS),
    text.bring,
    ...(next.others > 0 ? [text.otherAppointments(next.others)] : []),
  ]);
}

/** The fees of one service, one amount a line (`75000 XAF`, `115.00 EUR`). */
export function feesScreen(lang: UssdLang, service: UssdServiceFees): string {
  const name = clip(toUssdAscii(service.name), TITLE_CHARS);
  const amounts = service.fees.map((fee) => formatAmount(fee.amountMinor, fee.currency));
  return endWith([USSD_MESSAGES[lang].feesOf(name), ...amounts]);
}

/** The mission's week, days with the same hours grouped (`Lun-Jeu 09:00-12:30, 14:00-16:30`). */
export function hoursScreen(lang: UssdLang, data: UssdData): string {
  const text = USSD_MESSAGES[lang];
  const hours = data.hours();
  if (hours.ranges.length === 0) return endWith([text.noHours]);
  const lines = weekLines(hours, text.weekdays);
  const closure = hours.nextClosure === undefined ? [] : [text.closedOn(dayMonth(hours.nextClosure))];
  return endWith([text.hoursHeader, ...lines, ...closure]);
}

function weekLines(hours: UssdHours, names: readonly string[]): string[] {
  const byDay = new Map<number, string>();
  for (const range of hours.ranges) {
    const before = byDay.get(range.weekday);
    const span = `${range.opens}-${range.closes}`;
    byDay.set(range.weekday, before === undefined ? span : `${before}, ${span}`);
  }
  const lines: string[] = [];
  let run: { first: number; last: number; spans: string } | undefined;
  const flush = () => {
    if (!run) return;
    const days =
      run.first === run.last ? names[run.first - 1] : `${names[run.first - 1]}-${names[run.last - 1]}`;
    lines.push(`${days} ${run.spans}`);
  };
  for (let weekday = 1; weekday <= 7; weekday++) {
    const spans = byDay.get(weekday);
    if (run && spans === run.spans && weekday === run.last + 1) run.last = weekday;
    else if (spans !== undefined) {
      flush();
      run = { first: weekday, last: weekday, spans };
    }
  }
  flush();
  return lines;
}

function dayMonth(isoDay: string): string {
  return `${isoDay.slice(8, 10)}/${isoDay.slice(5, 7)}`;
}
