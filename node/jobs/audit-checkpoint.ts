import { AUDIT_CHECKPOINT } from '../../protocol/index.js';
import type { Store } from '../db/store.js';
import { immediateTransaction } from '../db/transaction.js';
import { type AuditHead, auditHead } from '../services/audit/audit-log.js';
import { enqueueMessage } from '../services/outbox/pending-messages.js';

/** A checkpoint as queued for the hub. */
export interface QueuedCheckpoint extends AuditHead {
  readonly at: string;
  /** The link_pending row that carries it. */
  readonly pendingId: number;
}

/**
 * Queues the current head of the audit chain for the hub (the link signs and seals it), and keeps
 * it in `audit_checkpoints` for `econsulat audit verify`. The hub keeps every head it receives: an
 * entry edited, removed or reordered at the mission afterwards no longer leads to a head the hub
 * has seen. Read, kept and queued in one transaction, so no entry appended in between can make the
 * head and its length disagree.
 */
export function queueAuditCheckpoint(store: Store, now: Date = new Date()): QueuedCheckpoint {
  return immediateTransaction(store.db, (): QueuedCheckpoint => {
    const head = auditHead(store.db);
    const at = now.toISOString();
    store.db
      .prepare('INSERT INTO audit_checkpoints (at, length, head_hash) VALUES (?, ?, ?)')
      .run(at, head.length, head.headHash);
    const pendingId = enqueueMessage(store, AUDIT_CHECKPOINT, {
      at,
      length: head.length,
      headHash: head.headHash,
    });
    return { ...head, at, pendingId };
  });
}
