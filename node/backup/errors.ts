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
} as const;

/** One of the codes of {@link BackupErrorCode}. */
export type BackupErrorCodeValue = (typeof BackupErrorCode)[keyof typeof BackupErrorCode];

/** A refusal of the backup layer, with a stable code. */
export class BackupError extends Error {
  override readonly name = 'BackupError';

  constructor(
    readonly code: BackupErrorCodeValue,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
