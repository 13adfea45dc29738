import { CodedError } from '../../common/errors/coded-error.js';
/**
 * Why the store refused to open or to migrate. Each code is stable: it appears in logs and in the
 * runbooks of the mission IT referent, so a log line greps to one definition.
 */
export const StoreErrorCode = {
  /** The database carries a migration this code does not know: it was opened by a newer release. */
  DatabaseTooNew: 'database_too_new',
  /** A migration already applied no longer matches its file: the schema history was rewritten. */
  MigrationChanged: 'migration_changed',
  /** The migrations folder is inconsistent: a bad name, a gap or a duplicate number. */
  MigrationsInvalid: 'migrations_invalid',
  /** The data key does not match the one this database was created with. */
  WrongDataKey: 'wrong_data_key',
} as const;

/** One of the codes of {@link StoreErrorCode}. */
export type StoreErrorCodeValue = (typeof StoreErrorCode)[keyof typeof StoreErrorCode];

/** A refusal of the store, with a stable code. */
export class StoreError extends CodedError<StoreErrorCodeValue> {
  override readonly name: string = 'StoreError';
}

/** Thrown at start-up when the database was migrated by a newer release than the running code. */
export class DatabaseTooNewError extends StoreError {
  override readonly name = 'DatabaseTooNewError';

  constructor(
    readonly databaseVersion: number,
    readonly codeVersion: number,
  ) {
    super(
      StoreErrorCode.DatabaseTooNew,
      `database schema is at migration ${databaseVersion}, this release knows up to ${codeVersion}: ` +
        'run the release that created it, or restore a backup made by this one',
    );
  }
}
