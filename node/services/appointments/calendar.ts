import { z } from 'zod';
import type { Db } from '../../db/db.js';
import type { Store } from '../../db/store.js';
import { transaction } from '../../db/transaction.js';
import { parseInput } from './schemas.js';

/** Scope of opening hours and closures that applies to every service. */
export const MISSION_SCOPE = '*';

/** Opening hours of one weekday (ISO: 1 = Monday), local time. */
export interface OpeningRange {
  readonly weekday: number;
  readonly opens: string;
  readonly closes: string;
}

/** Slot length and places per slot of a service. */
export interface CalendarSettings {
  readonly slotMinutes: number;
  readonly capacity: number;
}

/** A closure or holiday (local days, inclusive). */
export interface Closure {
  readonly id: number;
  readonly scope: string;
  readonly firstDay: string;
  readonly lastDay: string;
  readonly yearly: boolean;
  readonly reason: string;
}

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
const scopeSchema = z.string().regex(/^(\*|[a-z][a-z0-9-]{1,40})$/);
const rangeSchema = z
  .strictObject({ weekday: z.int().min(1).max(7), opens: hhmm, closes: hhmm })
  .refine((range) => range.closes > range.opens, 'closes must be after opens');
const settingsSchema = z.strictObject({
  slotMinutes: z.int().min(5).max(240),
  capacity: z.int().min(1).max(500),
});
const closureSchema = z
  .strictObject({
    scope: scopeSchema.default(MISSION_SCOPE),
    firstDay: z.iso.date(),
    lastDay: z.iso.date(),
    yearly: z.boolean().default(false),
    reason: z.string().trim().min(1).max(200),
  })
  .refine((closure) => closure.lastDay >= closure.firstDay, 'lastDay must not be before firstDay');

/** The calendar of a service, or the defaults (slot = the service's appointment length). */
export function readCalendar(db: Db, serviceCode: string, fallback: CalendarSettings): CalendarSettings {
  const row = db
    .prepare('SELECT slot_minutes, capacity FROM calendars WHERE service_code = ? AND active = 1')
    .get(serviceCode) as { slot_minutes: number; capacity: number } | undefined;
  return row ? { slotMinutes: row.slot_minutes, capacity: row.capacity } : fallback;
}

/** Opening hours of a service: its own when it has any, else the mission's. */
export function readOpeningHours(db: Db, serviceCode: string): OpeningRange[] {
  const select = db.prepare(
    'SELECT weekday, opens, closes FROM opening_hours WHERE scope = ? ORDER BY weekday, opens',
  );
  const own = select.all(serviceCode) as OpeningRange[];
  return own.length > 0 ? own : (select.all(MISSION_SCOPE) as OpeningRange[]);
}

/** Closures that apply to a service (its own and the mission's). */
export function readClosures(db: Db, serviceCode: string): Closure[] {
  const rows = db
    .prepare(
      `SELECT id, scope, first_day AS firstDay, last_day AS lastDay, yearly, reason
       FROM closures WHERE scope IN (?, ?) ORDER BY first_day`,
    )
    .all(MISSION_SCOPE, serviceCode) as (Omit<Closure, 'yearly'> & { yearly: number })[];
  return rows.map((row) => ({ ...row, yearly: row.yearly === 1 }));
}

/** True when a local day (YYYY-MM-DD) falls in one of the closures. */
export function isClosedOn(closures: readonly Closure[], day: string): boolean {
  return closures.some((closure) => {
    if (!closure.yearly) return day >= closure.firstDay && day <= closure.lastDay;
    const monthDay = day.slice(5);
    const first = closure.firstDay.slice(5);
    const last = closure.lastDay.slice(5);
    // A yearly closure across New Year (12-24 → 01-02) wraps around.
    return first <= last ? monthDay >= first && monthDay <= last : monthDay >= first || monthDay <= last;
  });
}

/** Sets the slot length and capacity of a service's calendar. */
export function setCalendar(
  store: Store,
  serviceCode: string,
  input: CalendarSettings,
  now = new Date(),
): void {
  const settings = parseInput(settingsSchema, input);
  store.db
    .prepare(
      `INSERT INTO calendars (service_code, slot_minutes, capacity, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (service_code) DO UPDATE SET slot_minutes = excluded.slot_minutes,
         capacity = excluded.capacity, active = 1, updated_at = excluded.updated_at`,
    )
    .run(parseInput(scopeSchema, serviceCode), settings.slotMinutes, settings.capacity, now.toISOString());
}

/** Replaces the opening hours of a scope (`*` for the mission, or a service code). */
export function setOpeningHours(store: Store, scope: string, ranges: readonly OpeningRange[]): void {
  const valid = parseInput(z.array(rangeSchema).max(50), ranges);
  const checkedScope = parseInput(scopeSchema, scope);
  transaction(store.db, () => {
    store.db.prepare('DELETE FROM opening_hours WHERE scope = ?').run(checkedScope);
    const insert = store.db.prepare(
      'INSERT INTO opening_hours (scope, weekday, opens, closes) VALUES (?, ?, ?, ?)',
    );
    for (const range of valid) insert.run(checkedScope, range.weekday, range.opens, range.closes);
  });
}

/** Adds a closure or holiday; returns its id. */
export function addClosure(store: Store, input: z.input<typeof closureSchema>, now = new Date()): number {
  const closure = parseInput(closureSchema, input);
  const result = store.db
    .prepare(
      'INSERT INTO closures (scope, first_day, last_day, yearly, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    )
    .run(
      closure.scope,
      closure.firstDay,
      closure.lastDay,
      closure.yearly ? 1 : 0,
      closure.reason,
      now.toISOString(),
    );
  return Number(result.lastInsertRowid);
}

/** Removes a closure; false when there was none with this id. */
export function removeClosure(store: Store, id: number): boolean {
  return store.db.prepare('DELETE FROM closures WHERE id = ?').run(id).changes > 0;
}
