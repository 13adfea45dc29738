import type { Store } from '../../db/store.js';
import { storedDocumentBytes } from '../files/file-documents.js';
import { outboxBacklog } from '../outbox/outbox.js';
import {
  countRecoveredByOutcome,
  countRecoveredToReview,
  type RecoveredOutcome,
} from '../recovery/recovered-events.js';

/** What the health readings need. */
export interface HealthReadingsDeps {
  readonly store: Store;
}

/** What the health probe and the metrics scrape read of the node's data. */
export interface HealthReadings {
  /** True when the database answers a query; false (never a throw) when it does not. */
  isDatabaseUp(): boolean;
  /** Events written to the outbox and not yet delivered to the hub. */
  outboxBacklog(): number;
  /** The database file's size in bytes (pages × page size): the nightly backup copies it whole. */
  databaseBytes(): number;
  /** Bytes of the scans kept (their plaintext sizes). */
  documentBytes(): number;
  /** Records recovered after a restore that wait for an agent. */
  recoveredToReview(): number;
  /** Records recovered after a restore, by what became of each. */
  recoveredByOutcome(): Partial<Record<RecoveredOutcome, number>>;
}

/** Builds the health readings over a store. */
export function createHealthReadings(deps: HealthReadingsDeps): HealthReadings {
  const { store } = deps;
  return {
    isDatabaseUp: () => isDatabaseUp(store),
    outboxBacklog: () => outboxBacklog(store).count,
    databaseBytes: () =>
      (store.db.pragma('page_count', { simple: true }) as number) *
      (store.db.pragma('page_size', { simple: true }) as number),
    documentBytes: () => storedDocumentBytes(store),
    recoveredToReview: () => countRecoveredToReview(store),
    recoveredByOutcome: () => countRecoveredByOutcome(store),
  };
}

// A closed or broken database throws: the probe must read that as "failing", not as a 500.
function isDatabaseUp(store: Store): boolean {
  try {
    return store.db.prepare('SELECT 1 AS ok').get() !== undefined;
  } catch {
    return false;
  }
}
