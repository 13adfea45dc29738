import { basename } from 'node:path';
import type { AuditVerdict } from '../services/audit/audit-verify.js';
import { BackupError, BackupErrorCode } from './errors.js';
import type { AuditHeadAt, RestoreRecord } from './restore-history.js';
import type { RestoredCopy } from './restore-inspect.js';
import { type BackupScans, backupScansDir } from './scan-backup.js';

/** What the referent may knowingly let through; each refusal that is not let through throws. */
export interface RestoreAllowances {
  /** Restore a backup whose audit chain does not verify (the result still says so). */
  readonly acceptBrokenAudit?: boolean;
  /** Restore a backup whose `documents/` lacks scans its database refers to (the result lists them). */
  readonly acceptMissingScans?: boolean;
  /** Restore a backup older than the newest one already restored into the directory. */
  readonly allowOlder?: boolean;
}

/** What the checks look at: the decrypted copy, its scans, and the directory's newest restore. */
export interface RestoreCandidate {
  readonly from: string;
  readonly copy: RestoredCopy;
  readonly scans: BackupScans;
  readonly newestRestored: RestoreRecord | undefined;
}

/**
 * Decides, before anything in the target directory is touched, whether the copy may replace what is
 * there. The question of which backup comes first: a backup refused as older is the wrong file
 * whatever else it holds. Throws `older_than_restored`, `audit_broken` or `scans_missing`.
 */
export function assertRestorable(candidate: RestoreCandidate, allow: RestoreAllowances): void {
  const { from, copy, scans, newestRestored } = candidate;
  if (!allow.allowOlder && isOlder(copy.auditHead, newestRestored)) {
    throw olderThanRestored(from, copy.auditHead, newestRestored);
  }
  if (!allow.acceptBrokenAudit && !copy.audit.ok) throw auditBroken(from, copy.audit);
  if (!allow.acceptMissingScans && scans.missing.length > 0) throw scansMissing(from, scans.missing);
}

/**
 * Whether a backup goes back before one already restored. The audit head is the measure: every
 * change of the mission's records appends to the audit log in the change's own transaction
 * (node/services/audit/audit-log.ts), and entries are never updated or deleted (the triggers; the
 * retention purge is itself an entry), so the head's seq grows with the mission's history and a
 * lower one is an earlier state. A file's name or date says nothing of the kind: `--out` takes any
 * name, and a copy onto a USB stick gets a new mtime. An equal head is the same state (the same
 * backup restored again, or the node restored from it stopped before writing anything): allowed.
 */
export function isOlder(head: AuditHeadAt, newest: RestoreRecord | undefined): newest is RestoreRecord {
  return newest !== undefined && head.seq < newest.auditHead.seq;
}

function olderThanRestored(from: string, head: AuditHeadAt, newest: RestoreRecord): BackupError {
  return new BackupError(
    BackupErrorCode.OlderThanRestored,
    `${basename(from)} is older than the backup already restored here: its audit log ends at ` +
      `${describeHead(head)}, while ${newest.backup}, restored on ${newest.restoredAt}, reached ` +
      `${describeHead(newest.auditHead)}. Nothing was changed. Restore ${newest.backup} or a later ` +
      'backup; to go back to this one on purpose (what came after it is lost here), pass --older',
  );
}

function auditBroken(from: string, verdict: Extract<AuditVerdict, { ok: false }>): BackupError {
  return new BackupError(
    BackupErrorCode.AuditBroken,
    `the audit log in ${from} is broken at entry ${verdict.firstBadSeq} (${verdict.reason}: ` +
      `${verdict.detail}). Nothing was changed. Restore an earlier backup and tell the ministry; to ` +
      'restore this one anyway (its log stays broken and says so), pass --accept-broken-audit',
  );
}

// A handful of ids is enough to look for; the CLI's exit code and the runbook say the rest.
const NAMED_SCANS = 3;

function scansMissing(from: string, missing: readonly string[]): BackupError {
  const named = missing.slice(0, NAMED_SCANS).join(', ');
  const more = missing.length > NAMED_SCANS ? `, and ${missing.length - NAMED_SCANS} more` : '';
  return new BackupError(
    BackupErrorCode.ScansMissing,
    `${missing.length} scanned documents the backup refers to are not in ${backupScansDir(from)} ` +
      `(${named}${more}). Nothing was changed. Put the backup's documents folder beside the file and ` +
      'restore again; to restore without them (their files stay, the scans are lost), pass --accept-missing-scans',
  );
}

function describeHead(head: AuditHeadAt): string {
  return head.at === null ? `entry ${head.seq}` : `entry ${head.seq} of ${head.at}`;
}
