/**
 * The hub's error catalogue: stable codes, so a log line greps to one definition. Refusals of
 * untrusted envelopes are not errors: they are results with the reasons of protocol/errors.ts.
 */
export const HubErrorCode = {
  /** The database carries a migration this code does not know: an older hub on a newer schema. */
  SchemaTooNew: 'HUB_ERR_SCHEMA_TOO_NEW',
  /** The migration files shipped with the code are misnamed or misnumbered (a gap, a duplicate). */
  MigrationsInvalid: 'HUB_ERR_MIGRATIONS_INVALID',
  /** A migration already applied no longer matches its file: the schema history was rewritten. */
  MigrationChanged: 'HUB_ERR_MIGRATION_CHANGED',
  /** A certificate did not verify against the hub's identity. */
  CertificateInvalid: 'HUB_ERR_CERTIFICATE_INVALID',
  /** An enrolment request that is malformed or not signed by the keys it carries. */
  EnrolmentInvalid: 'HUB_ERR_ENROLMENT_INVALID',
  /** No enrolled, unrevoked mission with that id. */
  UnknownMission: 'HUB_ERR_UNKNOWN_MISSION',
  /** An enrolment for a mission id already enrolled: a new key is a rotation, asked for as such. */
  MissionExists: 'HUB_ERR_MISSION_EXISTS',
  /** An enrolment for a revoked mission without the ministry's decision to re-enrol it. */
  MissionRevoked: 'HUB_ERR_MISSION_REVOKED',
  /** A rotation whose key in force is not the one the operator expected, or a key already used. */
  KeyMismatch: 'HUB_ERR_KEY_MISMATCH',
  /** A 64-bit integer from the database does not fit a JavaScript number exactly. */
  IntegerOverflow: 'HUB_ERR_INTEGER_OVERFLOW',
  /** The hub's own PostgreSQL could not be set up or started (binaries, user, directory, log). */
  EmbeddedDatabaseUnavailable: 'HUB_ERR_EMBEDDED_DATABASE_UNAVAILABLE',
  /** Another hub process already runs on this data directory. */
  HubAlreadyRunning: 'HUB_ERR_HUB_ALREADY_RUNNING',
  /** The hub directory holds a PGlite database from an older version, and PostgreSQL is asked for. */
  PgliteDataFound: 'HUB_ERR_PGLITE_DATA_FOUND',
} as const;

/** One of the codes of {@link HubErrorCode}. */
export type HubErrorCodeValue = (typeof HubErrorCode)[keyof typeof HubErrorCode];

/**
 * The HTTP status of each code when a request meets it (http/errors.ts). Most are met by commands
 * and at start, where the code and message are what the operator reads.
 */
export const HUB_ERROR_STATUS: Readonly<Record<HubErrorCodeValue, number>> = {
  HUB_ERR_SCHEMA_TOO_NEW: 500,
  HUB_ERR_MIGRATIONS_INVALID: 500,
  HUB_ERR_MIGRATION_CHANGED: 500,
  HUB_ERR_CERTIFICATE_INVALID: 400,
  HUB_ERR_ENROLMENT_INVALID: 400,
  HUB_ERR_UNKNOWN_MISSION: 404,
  HUB_ERR_MISSION_EXISTS: 409,
  HUB_ERR_MISSION_REVOKED: 409,
  HUB_ERR_KEY_MISMATCH: 409,
  HUB_ERR_INTEGER_OVERFLOW: 500,
  HUB_ERR_EMBEDDED_DATABASE_UNAVAILABLE: 503,
  HUB_ERR_HUB_ALREADY_RUNNING: 503,
  HUB_ERR_PGLITE_DATA_FOUND: 500,
};

/** An error of the hub with a stable code; keeps its cause. */
export class HubError extends Error {
  constructor(
    readonly code: HubErrorCodeValue,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HubError';
  }
}
