import { CodedError } from '../../common/errors/coded-error.js';
/**
 * Why a backup or a restore refused. Stable codes: the IT referent's runbook names them.
 */
export const BackupErrorCode = {
  /** The restore target already holds a database and `force` was not given. */
  TargetExists: 'target_exists',
  /** The backup does not decrypt with this data key: wrong key file, altered or truncated file. */
  Unreadable: 'backup_unreadable',
  /** The backup file named does not exist or is not a regular file. */
  NotFound: 'backup_not_found',
  /** The output file of a backup already exists: a backup never overwrites another. */
  OutputExists: 'output_exists',
  /** The decrypted database fails SQLite's `quick_check` or does not open: its pages are damaged. */
  Damaged: 'backup_damaged',
  /** The audit chain of the backup does not verify and `acceptBrokenAudit` was not given. */
  AuditBroken: 'audit_broken',
  /** Scans the backup's database refers to are not in its `documents/` and `acceptMissingScans` was not given. */
  ScansMissing: 'scans_missing',
  /** The backup is older than one already restored into the directory and `allowOlder` was not given. */
  OlderThanRestored: 'older_than_restored',
} as const;

/** One of the codes of {@link BackupErrorCode}. */
export type BackupErrorCodeValue = (typeof BackupErrorCode)[keyof typeof BackupErrorCode];

/** A refusal of the backup layer, with a stable code. */
export class BackupError extends CodedError<BackupErrorCodeValue> {
  override readonly name = 'BackupError';
}
