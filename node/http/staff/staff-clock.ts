import { DateTime } from 'luxon';
import type { StaffHttpDeps } from './staff-deps.js';

/** The current instant by the deps' clock. */
export function nowOf(deps: StaffHttpDeps): Date {
  return (deps.now ?? (() => new Date()))();
}

/** Today's date (`YYYY-MM-DD`) in the mission's time zone: the counter's day. */
export function missionToday(deps: StaffHttpDeps): string {
  return DateTime.fromJSDate(nowOf(deps)).setZone(deps.config.timeZone).toISODate() ?? '1970-01-01';
}

/** An instant shown in the mission's time zone, as agents read it (`02/03/2026 09:30`). */
export function missionTime(deps: StaffHttpDeps, iso: string, format = 'dd/MM/yyyy HH:mm'): string {
  return DateTime.fromISO(iso).setZone(deps.config.timeZone).toFormat(format);
}
