import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { activityFigures } from '../../hub/dashboards/activity.js';
import { loadDashboard } from '../../hub/dashboards/dashboard.js';
import { fileStateFigures } from '../../hub/dashboards/files.js';
import type { Period } from '../../hub/dashboards/period.js';
import { processingFigures } from '../../hub/dashboards/processing.js';
import type { Database, Queryable } from '../../hub/db/database.js';
import { migrate } from '../../hub/db/migrate.js';
import { createPgDatabase, quoteIdentifier } from '../../hub/db/pg.js';
import { createPgliteDatabase } from '../../hub/db/pglite.js';
import { RAW_FIGURES } from './_dashboards-baseline.js';
import { type DashboardDataSize, generateDashboardData } from './_dashboards-data.js';
import { figure, median } from './measure.js';

const RUNS = 5;
const DAY = 86_400_000;
/** PostgreSQL: the DESIGN's scale. PGlite (one connection, embedded): a smaller history. */
const SIZES: Record<'pg' | 'pglite', DashboardDataSize> = {
  pg: { missions: 50, days: 1826, eventsPerDay: 40, filesPerDay: 4 },
  pglite: { missions: 50, days: 365, eventsPerDay: 20, filesPerDay: 2 },
};

const ROLLUP_FIGURES: Readonly<
  Record<string, (db: Queryable, p: Period, missionId?: string) => Promise<unknown>>
> = {
  appointments: (db, p, m) => activityFigures(db, p, m),
  revenue: (db, p, m) => activityFigures(db, p, m),
  'files by state': (db, p, m) => fileStateFigures(db, p, m),
  'processing time': (db, p, m) => processingFigures(db, p, m),
};

/** Dashboard figures over 50 missions × 5 years of events: rollups vs the raw replicas, same run. */
export async function benchDashboards(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  const { db, engine, dispose } = url ? await pgSchema(url) : await pgliteDb();
  try {
    await migrate(db);
    const size = SIZES[engine];
    const end = new Date(Date.UTC(2026, 10, 1));
    const start = new Date(end.getTime() - size.days * DAY);
    const began = performance.now();
    const events = await generateDashboardData(db, size, start);
    const loadSeconds = (performance.now() - began) / 1000;
    await db.exec(engine === 'pg' ? 'VACUUM ANALYZE' : 'ANALYZE');
    console.log(
      `dashboards: ${engine === 'pg' ? 'PostgreSQL' : 'PGlite (embedded; smaller history than PostgreSQL)'}, ` +
        `${size.missions} missions × ${size.days} days, ${figure(events)} events generated and rolled up at insert ` +
        `in ${loadSeconds.toFixed(0)} s (${figure(events / loadSeconds)} events/s); median of ${RUNS} runs`,
    );
    const whole = { from: start, to: end };
    const month = { from: new Date(end.getTime() - 30 * DAY), to: end };
    await compare(db, 'network, whole history', whole);
    await compare(db, 'network, last 30 days', month);
    await compare(db, 'one mission, whole history', whole, 'bm-m01');
    const full = await timed(() => loadDashboard(db, { period: whole, now: end }));
    console.log(`  whole dashboard (every figure and table), network, whole history: ${full.toFixed(1)} ms`);
  } finally {
    await dispose();
  }
}

async function compare(db: Database, label: string, period: Period, missionId?: string): Promise<void> {
  console.log(`  ${label}:`);
  for (const [name, rollup] of Object.entries(ROLLUP_FIGURES)) {
    const fast = await timed(() => rollup(db, period, missionId));
    const raw = missionId
      ? undefined
      : await timed(() => RAW_FIGURES[name]?.(db, period) ?? Promise.resolve());
    const against =
      raw === undefined
        ? ''
        : `; raw replicas ${raw.toFixed(1)} ms (raw ÷ rollup ${(raw / fast).toFixed(1)})`;
    console.log(`    ${name}: rollup ${fast.toFixed(1)} ms${against}`);
  }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await fn();
    runs.push(performance.now() - start);
  }
  return median(runs);
}

async function pgSchema(url: string) {
  const schema = `bench_dashboards_${randomBytes(4).toString('hex')}`;
  await admin(url, `CREATE SCHEMA ${quoteIdentifier(schema)}`);
  const db = createPgDatabase({ connectionString: url, schema, max: 2 });
  return {
    db,
    engine: 'pg' as const,
    async dispose() {
      await db.close();
      await admin(url, `DROP SCHEMA ${quoteIdentifier(schema)} CASCADE`);
    },
  };
}

async function pgliteDb() {
  const db = await createPgliteDatabase();
  return { db, engine: 'pglite' as const, dispose: () => db.close() };
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
