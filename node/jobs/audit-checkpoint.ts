import { AUDIT_CHECKPOINT } from '../../protocol/index.js';
import type { Store } from '../db/store.js';
import { immediateTransaction } from '../db/transaction.js';
import { planAuditCheckpoints, recordAuditCheckpoint } from '../services/audit/audit-checkpoints.js';
import type { AuditHead } from '../services/audit/audit-log.js';
import { enqueueMessage } from '../services/outbox/pending-messages.js';

/** A checkpoint as queued for the hub. */
export interface QueuedCheckpoint extends AuditHead {
  readonly at: string;
  /** The link_pending row that carries it. */
  readonly pendingId: number;
}

/**
 * Queues the current head of the audit chain for the hub (the link signs and seals it), with the
 * digests of the entries since the head queued last, so that the hub can check the new head
 * extends the one it holds (PROTOCOL.md, "The audit log anchored at HQ"); several checkpoints when
 * there are more entries than one carries. Each is kept in `audit_checkpoints`, the base of the
 * next and what `econsulat audit verify` checks against. Planned, kept and queued in one
 * transaction, so no entry appended in between can make a head, its length and its digests
 * disagree. Returns the last, the current head.
 */
export function queueAuditCheckpoint(store: Store, now: Date = new Date()): QueuedCheckpoint {
  return immediateTransaction(store.db, (): QueuedCheckpoint => {
    const at = now.toISOString();
    let queued: QueuedCheckpoint | undefined;
    for (const checkpoint of planAuditCheckpoints(store.db)) {
      recordAuditCheckpoint(store.db, at, checkpoint);
      const pendingId = enqueueMessage(store, AUDIT_CHECKPOINT, { at, ...checkpoint });
      queued = { length: checkpoint.length, headHash: checkpoint.headHash, at, pendingId };
    }
    // planAuditCheckpoints always plans the current head last.
    return queued as QueuedCheckpoint;
  });
}
