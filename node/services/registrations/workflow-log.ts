import { randomUUID } from 'node:crypto';
import { decryptOptional, encryptOptional } from '../../crypto/field-cipher.js';
import type { Store } from '../../db/store.js';

/** One step of a record's workflow: who moved it, from which state to which, when and why. */
export interface Transition {
  readonly from: string | null;
  readonly to: string;
  readonly actor: string;
  readonly at: string;
  readonly reason?: string;
}

interface TransitionRow {
  id: string;
  from_state: string | null;
  to_state: string;
  actor: string;
  at: string;
  reason_enc: Uint8Array | null;
}

/** Appends a step to a record's history; call it inside the transaction of the change. */
export function recordTransition(store: Store, entity: string, entityId: string, step: Transition): void {
  const id = randomUUID();
  const reason = encryptOptional(store.keys.field, step.reason, binding(id));
  store.db
    .prepare(
      `INSERT INTO workflow_transitions (id, entity, entity_id, from_state, to_state, actor, at, reason_enc)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(id, entity, entityId, step.from, step.to, step.actor, step.at, reason);
}

/** A record's history, oldest first. */
export function listTransitions(store: Store, entity: string, entityId: string): Transition[] {
  const rows = store.db
    .prepare(
      `SELECT id, from_state, to_state, actor, at, reason_enc FROM workflow_transitions
       WHERE entity = ? AND entity_id = ? ORDER BY at, rowid`,
    )
    .all(entity, entityId) as TransitionRow[];
  return rows.map((row) => {
    const reason = decryptOptional(store.keys.field, row.reason_enc, binding(row.id));
    const step = { from: row.from_state, to: row.to_state, actor: row.actor, at: row.at };
    return reason === undefined ? step : { ...step, reason };
  });
}

function binding(id: string) {
  return { table: 'workflow_transitions', column: 'reason_enc', rowId: id };
}
