import { z } from 'zod';
import type { Store } from '../db/store.js';
import { immediateTransaction } from '../db/transaction.js';
import { digestRecord } from '../services/audit/audit-hash.js';
import { appendAudit } from '../services/audit/audit-log.js';
import { documentsDir, removeScan } from '../services/files/scan-files.js';
import { CLOSED_STATES } from '../services/files/workflow.js';
import { purgeRollCallAnswers } from '../services/roll-calls/index.js';

/**
 * How long the node keeps what it no longer needs, in days. The defaults:
 * - events delivered to the hub: 30 days (the hub holds them; kept a month to answer its questions);
 * - SMS sent: 30 days (they hold phone numbers and texts; a month covers "I never got the code");
 * - staff sessions: 7 days after they expired (long enough to look into a suspicious login);
 * - scanned documents of a closed file (rejected or delivered): a year after it closed (long enough
 *   for an appeal or a lost passport; the file, its history and its payments stay);
 * - envelopes the hub acknowledged: 90 days (a hub restored from a dump up to that old asks for them
 *   again: protocol/PROTOCOL.md, "Going back in time");
 * - a crisis roll-call's answers (who was reached, who answered what, the replies kept aside):
 *   90 days after it closed (the follow-up of those who needed help is done; the counts stay).
 * Pending items — undelivered events, unsent SMS — are never purged, whatever their age.
 */
export const retentionPolicySchema = z.strictObject({
  deliveredEventsDays: z.int().min(1).max(3650).default(30),
  sentSmsDays: z.int().min(1).max(3650).default(30),
  expiredSessionsDays: z.int().min(0).max(3650).default(7),
  closedFileDocumentsDays: z.int().min(1).max(3650).default(365),
  acknowledgedEnvelopesDays: z.int().min(1).max(3650).default(90),
  rollCallAnswersDays: z.int().min(1).max(3650).default(90),
});

/** A validated retention policy. */
export type RetentionPolicy = z.infer<typeof retentionPolicySchema>;
/** A retention policy before defaults. */
export type RetentionPolicyInput = z.input<typeof retentionPolicySchema>;

/** How many rows one purge removed, per kind. */
export interface PurgeCounts {
  readonly deliveredEvents: number;
  readonly sentSms: number;
  readonly expiredSessions: number;
  readonly closedFileDocuments: number;
  readonly acknowledgedEnvelopes: number;
}

const DAY_MS = 86_400_000;

/**
 * Deletes what the policy no longer allows the node to keep, in one transaction. SMS rows and scans
 * hold personal data, so a purge that removed anything is itself recorded in the audit log.
 */
export function purgeExpiredData(
  store: Store,
  policyInput: RetentionPolicyInput = {},
  now: Date = new Date(),
): PurgeCounts {
  const policy = retentionPolicySchema.parse(policyInput);
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
  const { db } = store;
  const { counts, scans } = immediateTransaction(db, () => {
    const scans = deleteClosedFileScans(store, before(policy.closedFileDocumentsDays), now);
    // Audited per roll-call by the roll-call service, its counts kept as the roll-call's summary.
    purgeRollCallAnswers(store, before(policy.rollCallAnswersDays), now);
    const counts: PurgeCounts = {
      deliveredEvents: db
        .prepare('DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?')
        .run(before(policy.deliveredEventsDays)).changes,
      sentSms: db
        .prepare(`DELETE FROM sms_outbox WHERE state = 'sent' AND sent_at < ?`)
        .run(before(policy.sentSmsDays)).changes,
      expiredSessions: db
        .prepare('DELETE FROM staff_sessions WHERE expires_at < ?')
        .run(before(policy.expiredSessionsDays)).changes,
      closedFileDocuments: scans.length,
      acknowledgedEnvelopes: db
        .prepare('DELETE FROM link_sent WHERE acked_at IS NOT NULL AND acked_at < ?')
        .run(before(policy.acknowledgedEnvelopesDays)).changes,
    };
    if (Object.values(counts).some((count) => count > 0)) {
      appendAudit(db, {
        actor: 'system:retention',
        action: 'retention.purged',
        entity: 'retention',
        entityId: now.toISOString(),
        afterDigest: digestRecord(store.keys.audit, { policy, counts }),
        at: now.toISOString(),
      });
    }
    return { counts, scans };
  });
  // The scans' files go once their rows are gone for good; one left by a crash here is harmless.
  if (scans.length > 0) {
    const dir = documentsDir(store);
    for (const id of scans) removeScan(dir, id);
  }
  return counts;
}

/** Deletes the rows of the scans of files closed before `closedBefore`, leaving tombstones; their ids. */
function deleteClosedFileScans(store: Store, closedBefore: string, now: Date): string[] {
  const ids = store.db
    .prepare(
      `SELECT d.id FROM file_documents d JOIN files f ON f.id = d.file_id
        WHERE f.state IN (${CLOSED_STATES.map(() => '?').join(', ')}) AND f.state_since < ?`,
    )
    .pluck()
    .all(...CLOSED_STATES, closedBefore) as string[];
  const remove = store.db.prepare('DELETE FROM file_documents WHERE id = ?');
  const tombstone = store.db.prepare('INSERT INTO file_documents_deleted (id, deleted_at) VALUES (?, ?)');
  for (const id of ids) {
    remove.run(id);
    tombstone.run(id, now.toISOString());
  }
  return ids;
}
