import type { RegistryResult } from '../../../protocol/index.js';
import { encryptOptional } from '../../crypto/field-cipher.js';
import { reconcileRegistryResult } from '../../services/registrations/registry-reconcile.js';
import type { LinkContext } from '../link-context.js';

/**
 * Records the hub's decision on a submission (the national ID number is personal data, stored
 * encrypted) and applies it to the registration or transcription it concerns: match and new
 * reconcile it, review flags it for follow-up. Runs inside the receiving transaction. A decision
 * not newer than the one recorded changes nothing: replays and duplicates are harmless.
 */
export function applyRegistryResult(ctx: LinkContext, result: RegistryResult): void {
  const { db } = ctx.store;
  const recorded = db
    .prepare('SELECT decided_at FROM registry_results WHERE submission_id = ?')
    .get(result.submissionId) as { decided_at: string } | undefined;
  if (recorded !== undefined && recorded.decided_at >= result.decidedAt) return;
  db.prepare(
    `INSERT INTO registry_results
       (submission_id, record_id, decision, national_id_enc, score, reasons, decided_at, received_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (submission_id) DO UPDATE SET decision = excluded.decision,
       national_id_enc = excluded.national_id_enc, score = excluded.score, reasons = excluded.reasons,
       decided_at = excluded.decided_at, received_at = excluded.received_at`,
  ).run(
    result.submissionId,
    result.recordId,
    result.decision,
    encryptOptional(ctx.store.keys.field, result.nationalId, {
      table: 'registry_results',
      column: 'national_id',
      rowId: result.submissionId,
    }),
    result.score,
    JSON.stringify(result.reasons),
    result.decidedAt,
    new Date(ctx.now()).toISOString(),
  );
  reconcileRegistryResult(ctx.store, result, () => new Date(ctx.now()));
}
