import type { Store } from '../../db/store.js';
import {
  countRecoveredByOutcome,
  countRecoveredToReview,
  listRecoveredEvents,
  markRecoveredReviewed,
  type RecoveredEvent,
  type RecoveredOutcome,
} from './recovered-events.js';

/** What the recovery service needs. */
export interface RecoveryServiceDeps {
  readonly store: Store;
  readonly now?: () => Date;
}

/** The records the hub returned after a restore from backup, and the staff's review of them. */
export interface RecoveryService {
  /** The recovered events, newest first; only those not reviewed yet unless `all`. */
  list(options?: { all?: boolean; limit?: number }): RecoveredEvent[];
  /** Marks an event reviewed by `actor`, audited; false when unknown or already reviewed. */
  markReviewed(id: string, actor: string): boolean;
  /** How many wait for an agent: not reviewed, and their record not put back as it was. */
  countToReview(): number;
  /** How many there are, reviewed or not, by what became of their record. */
  countByOutcome(): Partial<Record<RecoveredOutcome, number>>;
}

/** Builds the recovery service over a store. */
export function createRecoveryService(deps: RecoveryServiceDeps): RecoveryService {
  const { store } = deps;
  const clock = deps.now ?? (() => new Date());
  return {
    list: (options) => listRecoveredEvents(store, options),
    markReviewed: (id, actor) => markRecoveredReviewed(store, id, actor, clock()),
    countToReview: () => countRecoveredToReview(store),
    countByOutcome: () => countRecoveredByOutcome(store),
  };
}
