import { CodedError } from '../errors/coded-error.js';
/**
 * Why a migration run was refused. The node and the hub each rethrow these under their own error
 * catalogue (node/db/errors.ts, hub/errors.ts), so a log line still greps to one definition there.
 */
export const MigrationErrorCode = {
  /** The migrations folder is inconsistent: a badly named file, a gap or a duplicate number. */
  Invalid: 'migrations_invalid',
  /** A migration already applied no longer matches its file: the schema history was rewritten. */
  Changed: 'migration_changed',
  /** The database carries a migration the code does not know: it was migrated by newer code. */
  DatabaseTooNew: 'database_too_new',
} as const;

/** One of the codes of {@link MigrationErrorCode}. */
export type MigrationErrorCodeValue = (typeof MigrationErrorCode)[keyof typeof MigrationErrorCode];

/** A refusal of the migration runner, with a stable code. */
export class MigrationError extends CodedError<MigrationErrorCodeValue> {
  override readonly name: string = 'MigrationError';
}

/** The database is at a migration the code does not know: running old code on it corrupts data. */
export class SchemaTooNewError extends MigrationError {
  override readonly name = 'SchemaTooNewError';

  constructor(
    readonly databaseVersion: number,
    readonly codeVersion: number,
  ) {
    super(
      MigrationErrorCode.DatabaseTooNew,
      `the database is at migration ${databaseVersion}, this code knows up to ${codeVersion}`,
    );
  }
}
