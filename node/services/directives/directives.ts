import { DIRECTIVE_ACK, type Directive, directiveSchema } from '../../../protocol/index.js';
import type { Store } from '../../db/store.js';
import { immediateTransaction } from '../../db/transaction.js';
import { appendAudit } from '../audit/audit-log.js';
import { enqueueMessage } from '../outbox/pending-messages.js';

/** A directive as the mission's inbox shows it. */
export interface InboxDirective {
  readonly directive: Directive;
  readonly receivedAt: string;
  readonly acknowledgedAt: string | null;
  readonly acknowledgedBy: string | null;
  /** When the ministry last reminded the mission of it (unacknowledged directives only). */
  readonly lastRemindedAt: string | null;
}

interface DirectiveRow {
  body: string;
  received_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  last_reminded_at: string | null;
}

/** The directives inbox, unacknowledged first, then newest first. */
export function listDirectives(store: Store): InboxDirective[] {
  const rows = store.db
    .prepare(
      `SELECT body, received_at, acknowledged_at, acknowledged_by, last_reminded_at FROM directives
       ORDER BY acknowledged_at IS NOT NULL, received_at DESC`,
    )
    .all() as DirectiveRow[];
  return rows.map(toInbox);
}

/** One directive, or undefined. */
export function getDirective(store: Store, directiveId: string): InboxDirective | undefined {
  const row = store.db
    .prepare(
      'SELECT body, received_at, acknowledged_at, acknowledged_by, last_reminded_at FROM directives WHERE directive_id = ?',
    )
    .get(directiveId) as DirectiveRow | undefined;
  return row ? toInbox(row) : undefined;
}

/** Why an acknowledgement was refused. */
export type AcknowledgeOutcome = 'acknowledged' | 'not_found' | 'already_acknowledged';

/**
 * The head of mission acknowledges a directive: recorded, audited and queued for the hub in one
 * transaction. Acknowledging twice is refused rather than repeated.
 */
export function acknowledgeDirective(
  store: Store,
  input: { directiveId: string; by: string; comment?: string; at?: Date },
): AcknowledgeOutcome {
  const at = (input.at ?? new Date()).toISOString();
  return immediateTransaction(store.db, (): AcknowledgeOutcome => {
    const current = getDirective(store, input.directiveId);
    if (!current) return 'not_found';
    if (current.acknowledgedAt) return 'already_acknowledged';
    store.db
      .prepare(
        'UPDATE directives SET acknowledged_at = ?, acknowledged_by = ?, ack_comment = ? WHERE directive_id = ?',
      )
      .run(at, input.by, input.comment ?? null, input.directiveId);
    appendAudit(store.db, {
      actor: input.by,
      action: 'directive.acknowledge',
      entity: 'directive',
      entityId: input.directiveId,
    });
    enqueueMessage(store, DIRECTIVE_ACK, {
      directiveId: input.directiveId,
      acknowledgedAt: at,
      acknowledgedBy: input.by,
      ...(input.comment ? { comment: input.comment } : {}),
    });
    return 'acknowledged';
  });
}

function toInbox(row: DirectiveRow): InboxDirective {
  return {
    directive: directiveSchema.parse(JSON.parse(row.body)),
    receivedAt: row.received_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    lastRemindedAt: row.last_reminded_at,
  };
}
