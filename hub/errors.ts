import { CodedError } from '../common/errors/coded-error.js';
/**
 * The hub's error catalogue: stable codes, so a log line greps to one definition. Refusals of
 * untrusted envelopes are not errors: they are results with the reasons of protocol/errors.ts.
 */
export const HubErrorCode = {
  /** The database carries a migration this code does not know: an older hub on a newer schema. */
  SchemaTooNew: 'database_too_new',
  /** The migration files shipped with the code are misnamed or misnumbered (a gap, a duplicate). */
  MigrationsInvalid: 'migrations_invalid',
  /** A migration already applied no longer matches its file: the schema history was rewritten. */
  MigrationChanged: 'migration_changed',
  /** A certificate did not verify against the hub's identity. */
  CertificateInvalid: 'certificate_invalid',
  /** An enrolment request that is malformed or not signed by the keys it carries. */
  EnrolmentInvalid: 'enrolment_invalid',
  /** No enrolled, unrevoked mission with that id. */
  UnknownMission: 'mission_not_found',
  /** An enrolment for a mission id already enrolled: a new key is a rotation, asked for as such. */
  MissionExists: 'mission_exists',
  /** An enrolment for a revoked mission without the ministry's decision to re-enrol it. */
  MissionRevoked: 'mission_revoked',
  /** A rotation whose key in force is not the one the operator expected, or a key already used. */
  KeyMismatch: 'key_mismatch',
  /** A 64-bit integer from the database does not fit a JavaScript number exactly. */
  IntegerOverflow: 'integer_overflow',
  /** The hub's own PostgreSQL could not be set up or started (binaries, user, directory, log). */
  EmbeddedDatabaseUnavailable: 'embedded_database_unavailable',
  /** Another hub process already runs on this data directory. */
  HubAlreadyRunning: 'hub_already_running',
  /** The hub directory holds a PGlite database from an older version, and PostgreSQL is asked for. */
  PgliteDataFound: 'pglite_data_found',
  /** None of the PostgreSQL servers of `DATABASE_URL` answers and accepts writes. */
  DatabaseUnavailable: 'database_unavailable',
} as const;

/** One of the codes of {@link HubErrorCode}. */
export type HubErrorCodeValue = (typeof HubErrorCode)[keyof typeof HubErrorCode];

/**
 * The HTTP status of each code when a request meets it (http/errors.ts). Most are met by commands
 * and at start, where the code and message are what the operator reads.
 */
export const HUB_ERROR_STATUS: Readonly<Record<HubErrorCodeValue, number>> = {
  database_too_new: 500,
  migrations_invalid: 500,
  migration_changed: 500,
  certificate_invalid: 400,
  enrolment_invalid: 400,
  mission_not_found: 404,
  mission_exists: 409,
  mission_revoked: 409,
  key_mismatch: 409,
  integer_overflow: 500,
  embedded_database_unavailable: 503,
  hub_already_running: 503,
  pglite_data_found: 500,
  database_unavailable: 503,
};

/** An error of the hub with a stable code; keeps its cause. */
export class HubError extends CodedError<HubErrorCodeValue> {
  override readonly name = 'HubError';
}
