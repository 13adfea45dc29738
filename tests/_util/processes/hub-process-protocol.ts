// What tests/_util/processes/hub-process.ts takes and prints (the entry script runs at import).

/** What the hub child is told on its command line. */
export interface HubProcessChildConfig {
  /** Holds keys/hub.key (written by the test). */
  readonly dataDir: string;
  /** PostgreSQL, with the test's schema as search_path (see pgUrlInSchema). */
  readonly databaseUrl: string;
  readonly brokerUrl: string;
  readonly roles: readonly ('ingest' | 'web' | 'jobs')[];
  readonly metricsToken: string;
  readonly leaseSeconds: number;
  readonly renewSeconds: number;
}

/** The line before the ready line: where the child's HTTP listens. */
export const URL_PREFIX = 'hub-url ';
/** Its lease holder id (ingest_leases.holder). */
export const HOLDER_PREFIX = 'hub-holder ';
