import type { BacklogReport } from '../../protocol/index.js';
import type { Store } from '../db/store.js';
import { outboxBacklog } from '../services/outbox/outbox.js';

/**
 * The backlog a sequenced message reports to the hub: the outbox events neither delivered nor
 * sealed into an envelope up to outbox seq `sealedUpTo`. The hub applies messages in channel
 * order, so when it applies this one every earlier envelope is applied too, and what is left is
 * exactly this: the backlog the node's /metrics shows once the hub's ack of its last envelope
 * arrives, unless new events were written meanwhile, which a later message reports.
 */
export function backlogAfter(store: Store, sealedUpTo: number): BacklogReport {
  const { count, oldestAt } = outboxBacklog(store, sealedUpTo);
  return { events: count, ...(oldestAt ? { oldestAt } : {}) };
}
