import { z } from 'zod';
import {
  IDENTITY_DOCUMENT_KINDS,
  type IdentityCheck,
  type IdentityDocumentKind,
} from '../../../protocol/index.js';
import type { Store } from '../../db/store.js';
import { digestRecord } from '../audit/audit-hash.js';
import { appendAudit } from '../audit/audit-log.js';

/** The records whose person the national registry is asked about. */
export type CheckedEntity = 'registration' | 'civil_status';

/** What an agent says they checked, as the back office and the API take it. */
export interface IdentityCheckInput {
  readonly documentKind: string;
}

/** An agent's check of a person's identity document, as the mission keeps it. */
export interface RecordedIdentityCheck {
  readonly documentKind: IdentityDocumentKind;
  /** The staff username. */
  readonly checkedBy: string;
  readonly checkedAt: string;
}

/** The check an agent records, validated by each service with its own refusal. */
export const identityCheckInputSchema = z.strictObject({ documentKind: z.enum(IDENTITY_DOCUMENT_KINDS) });

// Actors that are not staff (node/services/audit/audit-hash.ts): a citizen cannot vouch for their
// own papers, nor a job for anyone's.
const NOT_STAFF = /^(applicant|system):/;

/**
 * Records, in the caller's transaction, that `actor` held a document of this kind and found it to
 * be the person's, with its audit entry: the national registry answers with a national ID number
 * only on such a check (protocol/PROTOCOL.md, "The national registry"), so who made it must show.
 */
export function recordIdentityCheck(
  store: Store,
  entity: CheckedEntity,
  entityId: string,
  documentKind: IdentityDocumentKind,
  actor: string,
  at: string,
): RecordedIdentityCheck {
  if (NOT_STAFF.test(actor)) throw new TypeError(`${actor} is not an agent: no identity check`);
  const check: RecordedIdentityCheck = { documentKind, checkedBy: actor, checkedAt: at };
  store.db
    .prepare(
      `INSERT INTO identity_checks (entity, entity_id, document_kind, checked_by, checked_at)
       VALUES (?, ?, ?, ?, ?)`,
    )
    .run(entity, entityId, documentKind, actor, at);
  appendAudit(store.db, {
    actor,
    action: `${entity}.identity_checked`,
    entity,
    entityId,
    afterDigest: digestRecord(store.keys.audit, check),
    at,
  });
  return check;
}

/** The check recorded for a record, or undefined when no agent recorded one. */
export function identityCheckOf(
  store: Store,
  entity: CheckedEntity,
  entityId: string,
): RecordedIdentityCheck | undefined {
  const row = store.db
    .prepare(
      `SELECT document_kind, checked_by, checked_at FROM identity_checks WHERE entity = ? AND entity_id = ?`,
    )
    .get(entity, entityId) as { document_kind: string; checked_by: string; checked_at: string } | undefined;
  if (row === undefined) return undefined;
  return {
    documentKind: row.document_kind as IdentityDocumentKind,
    checkedBy: row.checked_by,
    checkedAt: row.checked_at,
  };
}

/** What registry.submission carries of a check: the kind and the time, not the agent's name. */
export function submittedCheck(check: RecordedIdentityCheck | undefined): { identityCheck?: IdentityCheck } {
  return check ? { identityCheck: { documentKind: check.documentKind, checkedAt: check.checkedAt } } : {};
}
