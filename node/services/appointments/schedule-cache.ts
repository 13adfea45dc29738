import type { Db } from '../../db/db.js';

/**
 * The calendars of the services, read once and kept until a schedule table changes. Every booking
 * needs its service's catalogue entry, calendar, opening hours and closures: five statements and
 * the decoding of JSON columns, then the slots of the day through the time-zone database. They
 * change a few times a year. Triggers on those tables bump `schedule_generation` (migration 010),
 * whichever connection or process writes, so one tiny read per call tells whether the copy is still
 * true — including inside the booking's own transaction, where it reads the committed state.
 */
export interface ScheduleCache<T> {
  /** The service as `load` reads it, or the copy kept since the schedule last changed. */
  service(code: string, load: () => T): T;
}

/** Past this many services kept, the cache starts again (a bound, not a working size). */
const MAX_SERVICES = 500;

export function createScheduleCache<T>(db: Db): ScheduleCache<T> {
  let generation = -1;
  const services = new Map<string, T>();
  return {
    service(code, load) {
      const current = (
        db.prepare('SELECT value FROM schedule_generation WHERE id = 1').get() as { value: number }
      ).value;
      if (current !== generation || services.size >= MAX_SERVICES) {
        services.clear();
        generation = current;
      }
      let service = services.get(code);
      if (!service) {
        // A refusal (unknown or withdrawn service) throws here and is not kept.
        service = load();
        services.set(code, service);
      }
      return service;
    },
  };
}
