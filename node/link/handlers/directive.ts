import type { Directive } from '../../../protocol/index.js';
import { DIRECTIVE_RECEIPT } from '../../../protocol/index.js';
import { enqueueMessage } from '../../services/outbox/pending-messages.js';
import type { LinkContext } from '../link-context.js';
import { startOrderedRollCall } from './roll-call-directive.js';

/**
 * Stores a directive and queues its automatic receipt, in the receiving transaction, and starts
 * the roll-call it may order; a directive received again is a reminder, recorded as such.
 */
export function applyDirective(ctx: LinkContext, directive: Directive): void {
  const receivedAt = new Date(ctx.now()).toISOString();
  const inserted = ctx.store.db
    .prepare(
      `INSERT OR IGNORE INTO directives
         (directive_id, priority, requires_ack, effective_at, expires_at, body, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      directive.directiveId,
      directive.priority,
      directive.requiresAck ? 1 : 0,
      directive.effectiveAt,
      directive.expiresAt ?? null,
      JSON.stringify(directive),
      receivedAt,
    ).changes;
  if (inserted === 1) {
    enqueueMessage(ctx.store, DIRECTIVE_RECEIPT, { directiveId: directive.directiveId, receivedAt });
    startOrderedRollCall(ctx, directive);
    return;
  }
  // Sent again: the ministry's reminder of a directive the consul has not acknowledged yet.
  ctx.store.db
    .prepare('UPDATE directives SET last_reminded_at = ? WHERE directive_id = ? AND acknowledged_at IS NULL')
    .run(receivedAt, directive.directiveId);
}
