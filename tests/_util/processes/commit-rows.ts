// Commits rows one transaction each when told to (SIGUSR2), so a test can attach strace to the
// process that does the writing first: PGlite in this process, or a PostgreSQL server's backend
// (a new connection, forked by the traced postmaster after the attach).
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { childConfig, READY_LINE } from './child-protocol.js';

/** Where the rows go: a PGlite data directory, or a PostgreSQL server's socket directory. */
export type CommitRowsChildConfig = { readonly pgliteDir: string } | { readonly socketDir: string };

const config = childConfig<CommitRowsChildConfig>();
const ROWS = 20;
const pglite = 'pgliteDir' in config ? await PGlite.create(config.pgliteDir) : undefined;
if (pglite) await pglite.exec('CREATE TABLE IF NOT EXISTS t (id serial PRIMARY KEY, v text)');
async function commitRows(): Promise<void> {
  if (pglite) {
    for (let i = 0; i < ROWS; i++) await pglite.query('INSERT INTO t (v) VALUES ($1)', [`row ${i}`]);
  } else if ('socketDir' in config) {
    const client = new pg.Client({ host: config.socketDir, user: 'postgres', database: 'postgres' });
    await client.connect();
    await client.query('CREATE TABLE IF NOT EXISTS t (id serial PRIMARY KEY, v text)');
    for (let i = 0; i < ROWS; i++) await client.query('INSERT INTO t (v) VALUES ($1)', [`row ${i}`]);
    await client.end();
  }
  console.log('committed');
}

const alive = setInterval(() => undefined, 1000);
process.once('SIGUSR2', () => {
  void commitRows().finally(async () => {
    await pglite?.close();
    clearInterval(alive);
  });
});
console.log(READY_LINE);
