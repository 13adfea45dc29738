import { STATS_SNAPSHOT } from '../../protocol/index.js';
import type { Store } from '../db/store.js';
import { transaction } from '../db/transaction.js';
import { outboxBacklog } from '../services/outbox/outbox.js';
import { enqueueMessage } from '../services/outbox/pending-messages.js';

/**
 * The mission's own counters, for the hub's status page: what is open now, not history (the hub
 * has the events for that). Counted in SQL over the mission's tables; no personal data.
 */
export function collectCounters(store: Store): Record<string, number> {
  const count = (sql: string): number => Number((store.db.prepare(sql).get() as { n: number }).n);
  const counters: Record<string, number> = {
    'outbox.backlog': outboxBacklog(store).count,
    'appointments.held': count("SELECT count(*) AS n FROM appointments WHERE state = 'held'"),
    'appointments.confirmed_upcoming': count(
      "SELECT count(*) AS n FROM appointments WHERE state = 'confirmed' AND slot_start >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
    ),
    'sms.pending': count("SELECT count(*) AS n FROM sms_outbox WHERE state = 'pending'"),
    'directives.unacknowledged': count(
      'SELECT count(*) AS n FROM directives WHERE requires_ack = 1 AND acknowledged_at IS NULL',
    ),
  };
  const files = store.db.prepare('SELECT state, count(*) AS n FROM files GROUP BY state').all() as {
    state: string;
    n: number;
  }[];
  for (const { state, n } of files) counters[`files.${state}`] = n;
  return counters;
}

/** Queues a stats.snapshot for the hub. */
export function queueStatsSnapshot(store: Store, now: Date = new Date()): number {
  return transaction(store.db, () =>
    enqueueMessage(store, STATS_SNAPSHOT, { at: now.toISOString(), counters: collectCounters(store) }),
  );
}
