export {
  MigrationError,
  MigrationErrorCode,
  type MigrationErrorCodeValue,
  SchemaTooNewError,
} from './errors.js';
export { loadMigrations, type Migration, migrationChecksum } from './migration-files.js';
export { type AppliedMigration, type MigrationPlan, planMigrations } from './plan.js';
