import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../../hub/db/database.js';
import { openDatabase, type StoreConfig } from '../../hub/db/open-database.js';
import { figure, median } from './measure.js';

const ROUNDS = 5;
const COMMITS = 2000;

/** The two embedded stores of the hub, in a fresh directory each round. */
const ENGINES: Record<string, (dir: string) => StoreConfig> = {
  'embedded PostgreSQL': (dir) => ({
    embeddedPostgres: { dataDir: join(dir, 'postgres'), logFile: join(dir, 'logs', 'postgres.log') },
  }),
  PGlite: (dir) => ({ dataDir: join(dir, 'pglite') }),
};

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { value, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

/** One row per transaction, each committed before the next: what an acknowledgement waits on. */
async function commitsPerSecond(db: Database): Promise<number> {
  await db.exec('CREATE TABLE bench_commits (id bigserial PRIMARY KEY, v text NOT NULL)');
  const { ms } = await timed(async () => {
    for (let i = 0; i < COMMITS; i++)
      await db.query('INSERT INTO bench_commits (v) VALUES ($1)', [`row ${i}`]);
  });
  return COMMITS / (ms / 1000);
}

/** A cold start (a new cluster and every migration), a restart on it, and the commit rate. */
async function round(config: (dir: string) => StoreConfig) {
  const dir = await mkdtemp(join(tmpdir(), 'econsulat-bench-store-'));
  // Run as root, the embedded server runs as its own system user, which must pass through.
  await chmod(dir, 0o711);
  try {
    const cold = await timed(() => openDatabase(config(dir)));
    await cold.value.close();
    const restart = await timed(() => openDatabase(config(dir)));
    try {
      return { coldMs: cold.ms, restartMs: restart.ms, commits: await commitsPerSecond(restart.value) };
    } finally {
      await restart.value.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The hub's embedded stores side by side, rounds interleaved so both see the same machine: cold
 * start (initdb or PGlite's first open, then the migrations), restart, one-row commits per second.
 */
export async function benchHubStore(): Promise<void> {
  const results = new Map<string, Array<Awaited<ReturnType<typeof round>>>>();
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, config] of Object.entries(ENGINES)) {
      const list = results.get(name) ?? [];
      list.push(await round(config));
      results.set(name, list);
    }
  }
  const medians = new Map(
    [...results].map(([name, list]) => [
      name,
      {
        coldMs: median(list.map((r) => r.coldMs)),
        restartMs: median(list.map((r) => r.restartMs)),
        commits: median(list.map((r) => r.commits)),
      },
    ]),
  );
  console.log(`\nhub store: medians of ${ROUNDS} rounds, ${COMMITS} one-row commits each`);
  for (const [name, m] of medians) {
    console.log(
      `  ${name.padEnd(20)} cold start ${figure(m.coldMs)} ms   restart ${figure(m.restartMs)} ms   ` +
        `${figure(m.commits)} commits/s`,
    );
  }
  const pg = medians.get('embedded PostgreSQL');
  const lite = medians.get('PGlite');
  if (pg && lite) {
    console.log(
      `  embedded PostgreSQL / PGlite: cold start ${(pg.coldMs / lite.coldMs).toFixed(2)}×, ` +
        `restart ${(pg.restartMs / lite.restartMs).toFixed(2)}×, commits/s ${(pg.commits / lite.commits).toFixed(2)}×`,
    );
  }
}
