import { newEvent } from '../../node/services/outbox/outbox.js';
import { AppointmentEvents, FileEvents, RegistrationEvents } from '../../protocol/index.js';

/**
 * A large consulate's working day, in events sent to the hub: bookings, files moving through
 * their workflow, payments, registrations. Figures of the dossier's largest missions (Paris,
 * Brazzaville, Yaoundé), rounded up; the load generator multiplies them by its scale.
 */
export const LARGE_CONSULATE_DAY = {
  bookings: 120,
  fileMoves: 90,
  payments: 60,
  registrations: 15,
} as const;

/** Events of one working day of a large consulate. */
export const EVENTS_PER_DAY = Object.values(LARGE_CONSULATE_DAY).reduce((sum, n) => sum + n, 0);

/** A working day, over which a day's events come: 8 hours. */
export const WORKING_DAY_SECONDS = 8 * 3600;

const CUMULATIVE = (() => {
  let sum = 0;
  return Object.entries(LARGE_CONSULATE_DAY).map(([kind, n]) => {
    sum += n;
    return { kind, upTo: sum / EVENTS_PER_DAY };
  });
})();

/** The `i`-th event of a mission, its kind drawn in the day's proportions from `draw` in [0, 1). */
export function trafficEvent(missionTag: string, i: number, draw: number) {
  const kind = CUMULATIVE.find((entry) => draw < entry.upTo)?.kind ?? 'bookings';
  const serviceCode = ['passport-renewal', 'consular-card', 'visa-short-stay'][i % 3] ?? 'passport-renewal';
  const entityId = `${missionTag}-${i}`;
  switch (kind) {
    case 'bookings':
      return newEvent({
        kind: AppointmentEvents.Booked,
        entity: 'appointment',
        entityId,
        data: { serviceCode, slotStart: new Date().toISOString(), state: 'confirmed', fromWaitlist: false },
      });
    case 'fileMoves':
      return newEvent({
        kind: FileEvents.Transitioned,
        entity: 'file',
        entityId,
        data: { serviceCode, from: 'in_review', to: 'approved' },
      });
    case 'payments':
      return newEvent({
        kind: 'payment.recorded',
        entity: 'payment',
        entityId,
        data: { currency: 'XAF', amountMinor: 25_000, method: i % 2 ? 'cash' : 'mobile_money' },
      });
    default:
      return newEvent({
        kind: RegistrationEvents.Submitted,
        entity: 'registration',
        entityId,
        data: { channel: 'portal' },
      });
  }
}
