import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import { addClosure, MISSION_SCOPE, type OpeningRange, setCalendar, setOpeningHours } from './calendar.js';

// Public holidays of the Central African Republic on fixed dates; the mission adds its host
// country's holidays and the movable feasts (Easter Monday, Ascension, Whit Monday) each year.
const RCA_HOLIDAYS: readonly [string, string][] = [
  ['01-01', "Jour de l'an"],
  ['03-29', 'Journée Barthélemy Boganda'],
  ['05-01', 'Fête du travail'],
  ['06-30', 'Journée nationale de prière'],
  ['08-13', "Fête de l'indépendance"],
  ['08-15', 'Assomption'],
  ['11-01', 'Toussaint'],
  ['12-01', 'Fête nationale (proclamation de la République)'],
  ['12-25', 'Noël'],
];

// Counters open Monday to Friday mornings, and Monday to Thursday afternoons.
const DEFAULT_HOURS: readonly OpeningRange[] = [1, 2, 3, 4, 5].flatMap((weekday) => [
  { weekday, opens: '09:00', closes: '12:30' },
  ...(weekday < 5 ? [{ weekday, opens: '14:00', closes: '16:30' }] : []),
]);

// Places per slot: passport counters take biometrics at two desks; certificates are quick.
const CAPACITY: Record<string, number> = {
  'passport-first': 2,
  'passport-renewal': 3,
  'laissez-passer': 2,
  'visa-short-stay': 3,
  'consular-card': 2,
  'consular-registration': 2,
};

/**
 * Gives a fresh mission its default week, the RCA holidays and a calendar per seeded service
 * (slot = the service's appointment length). Does nothing when opening hours already exist.
 */
export function seedCalendars(store: Store, now: Date = new Date()): boolean {
  const { db } = store;
  return immediateTransaction(db, () => {
    const existing = db.prepare('SELECT 1 FROM opening_hours LIMIT 1').get();
    if (existing !== undefined) return false;
    setOpeningHours(store, MISSION_SCOPE, DEFAULT_HOURS);
    for (const [monthDay, reason] of RCA_HOLIDAYS) {
      const day = `2000-${monthDay}`;
      addClosure(store, { firstDay: day, lastDay: day, yearly: true, reason }, now);
    }
    const services = db.prepare('SELECT code, appointment_minutes FROM services').all() as {
      code: string;
      appointment_minutes: number;
    }[];
    for (const service of services) {
      const capacity = CAPACITY[service.code] ?? 1;
      setCalendar(store, service.code, { slotMinutes: service.appointment_minutes, capacity }, now);
    }
    return true;
  });
}
