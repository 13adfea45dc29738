import type { BacklogReport } from '../../protocol/index.js';
import type { Store } from '../db/store.js';

/**
 * The backlog a sequenced message reports to the hub: the outbox events neither delivered nor
 * sealed into an envelope up to outbox seq `sealedUpTo`. The hub applies messages in channel
 * order, so when it applies this one every earlier envelope is applied too, and what is left is
 * exactly this: the figure the node's /healthz shows once the hub's ack arrives, unless new events
 * were written meanwhile, which a later message reports.
 */
export function backlogAfter(store: Store, sealedUpTo: number): BacklogReport {
  const row = store.db
    .prepare(
      `SELECT count(*) AS events,
              (SELECT at FROM outbox WHERE delivered_at IS NULL AND seq > ? ORDER BY seq LIMIT 1) AS oldestAt
         FROM outbox WHERE delivered_at IS NULL AND seq > ?`,
    )
    .get(sealedUpTo, sealedUpTo) as { events: number; oldestAt: string | null };
  return { events: row.events, ...(row.oldestAt ? { oldestAt: row.oldestAt } : {}) };
}
