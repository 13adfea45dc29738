/**
 * The hub's side of the registry-scale benchmark, in its own process so that its memory is the
 * hub's alone: the registry service over PostgreSQL decides every pending submission (candidate
 * search, matching engine, decision and sealed result per submission, as `econsulat hub` does)
 * and prints the time and the process's memory as JSON.
 *
 *   BENCH_DATABASE_URL, BENCH_SCHEMA, BENCH_HUB_SECRET, BENCH_CANDIDATES:
 *   node --expose-gc --import tsx ops/bench/_registry-scale-hub.ts
 */
import { z } from 'zod';
import type { Database } from '../../hub/db/database.js';
import { createPgDatabase } from '../../hub/db/pg.js';
import { loadTrustStore } from '../../hub/services/missions/trust-loader.js';
import { createRegistryService } from '../../hub/services/registry/registry-service.js';
import { Identity, ready } from '../../protocol/index.js';

const env = z
  .object({
    BENCH_DATABASE_URL: z.string().startsWith('postgres'),
    BENCH_SCHEMA: z.string().regex(/^[a-z0-9_]+$/),
    BENCH_HUB_SECRET: z.string().min(1),
    BENCH_CANDIDATES: z.coerce.number().int().positive(),
  })
  .parse(process.env);

const gc = (globalThis as { gc?: () => void }).gc;
const heapAfterGc = () => {
  gc?.();
  return process.memoryUsage().heapUsed;
};

await ready();
const db = createPgDatabase({ connectionString: env.BENCH_DATABASE_URL, schema: env.BENCH_SCHEMA, max: 4 });
// The decisions' transactions are the pass's critical path (the searches run ahead on other
// connections meanwhile): their wall time is reported apart.
let inTransactions = 0;
const measured: Database = {
  ...db,
  async transaction(fn) {
    const started = performance.now();
    try {
      return await db.transaction(fn);
    } finally {
      inTransactions += performance.now() - started;
    }
  },
};
const hub = Identity.importSecret(env.BENCH_HUB_SECRET);
const { trust } = await loadTrustStore(db, hub.toPublic());
let published = 0;
const service = createRegistryService({
  db: measured,
  hub,
  trust,
  publish: () => void published++,
  // One mission sends every candidate: the daily bound is lifted, the bench measures the decisions.
  submissionsPerMissionPerDay: env.BENCH_CANDIDATES,
});

const start = { heapAfterGc: heapAfterGc(), rss: process.memoryUsage().rss };
const peak = { rss: start.rss, heapUsed: 0 };
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  peak.rss = Math.max(peak.rss, usage.rss);
  peak.heapUsed = Math.max(peak.heapUsed, usage.heapUsed);
}, 100);
const started = performance.now();
const report = await service.reconcileAll(500);
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
const end = { heapAfterGc: heapAfterGc(), rss: process.memoryUsage().rss };
await db.close();
const transactionSeconds = inTransactions / 1000;
process.stdout.write(
  `${JSON.stringify({ seconds, transactionSeconds, report, published, start, peak, end })}\n`,
);
