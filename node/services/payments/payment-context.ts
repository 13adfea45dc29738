import { DateTime } from 'luxon';
import type { Store } from '../../db/store.js';
import type { FileService } from '../files/file-service.js';
import type { PeopleRepository } from '../people/people-repository.js';
import type { PaymentProvider } from './provider.js';

/** What every payments function needs, built once by the service. */
export interface PaymentContext {
  readonly store: Store;
  /** Moves a paid file out of awaiting_payment; absent, invoices are not tied to workflows. */
  readonly files?: FileService;
  /** Finds the payer's phone for the receipt SMS; absent, no SMS is sent. */
  readonly people?: PeopleRepository;
  /** The mission's numbering prefix (`PAR` → receipts `PAR-2026-000123`). */
  readonly receiptPrefix: string;
  /** The mission's IANA time zone: it decides which day (and year) a payment belongs to. */
  readonly timeZone: string;
  readonly providers: ReadonlyMap<string, PaymentProvider>;
  readonly now: () => Date;
}

/** The mission's local date of an instant, `YYYY-MM-DD`. */
export function businessDate(instant: Date, timeZone: string): string {
  const local = DateTime.fromJSDate(instant, { zone: timeZone });
  if (!local.isValid) throw new TypeError(`unknown time zone ${timeZone}`);
  return local.toISODate() ?? '';
}

/** Throws a TypeError for a time zone luxon does not know: a misconfigured mission fails at start. */
export function assertTimeZone(timeZone: string): void {
  businessDate(new Date(), timeZone);
}
