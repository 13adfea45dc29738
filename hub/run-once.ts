import type { Database } from './db/database.js';

/** How often a scheduled job is due: it runs once in each such period, however many processes. */
export type JobPeriod = 'ten-minutes' | 'hour' | 'day';

const PERIOD_MS: Readonly<Record<JobPeriod, number>> = {
  'ten-minutes': 10 * 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/**
 * Runs a scheduled job once per period across every hub process on the database: the processes
 * whose schedule fires take the job's advisory lock in turn (db.exclusive); the first runs it and
 * records the period in hub_job_runs, the others find it there and skip. One that dies mid-job
 * drops its lock with its connection and records nothing: the next in line runs the job.
 * Resolves true when this process ran it.
 */
export function runOncePerPeriod(
  db: Database,
  job: string,
  period: JobPeriod,
  holder: string,
  run: () => Promise<void>,
  now: Date = new Date(),
): Promise<boolean> {
  // Schedules fire at a fixed minute inside the period: clocks a few seconds apart name one slot.
  const slot = new Date(Math.floor(now.getTime() / PERIOD_MS[period]) * PERIOD_MS[period]).toISOString();
  return inTurn(job, () =>
    db.exclusive(`econsulat-job:${job}`, async () => {
      const [done] = await db.query('SELECT 1 AS done FROM hub_job_runs WHERE job = $1 AND slot = $2', [
        job,
        slot,
      ]);
      if (done) return false;
      await run();
      await db.query(
        'INSERT INTO hub_job_runs (job, slot, holder) VALUES ($1, $2, $3) ON CONFLICT (job, slot) DO NOTHING',
        [job, slot, holder],
      );
      return true;
    }),
  );
}

/** The runs of each job in this process, chained: PGlite's exclusive() excludes nothing inside one. */
const turns = new Map<string, Promise<unknown>>();

function inTurn<T>(job: string, run: () => Promise<T>): Promise<T> {
  const previous = turns.get(job) ?? Promise.resolve();
  const next = previous.then(run, run);
  const settled = next.catch(() => undefined);
  turns.set(job, settled);
  void settled.then(() => {
    if (turns.get(job) === settled) turns.delete(job);
  });
  return next;
}

/** Forgets the job runs older than `before` (the nightly pruning). */
export async function pruneJobRuns(db: Database, before: Date): Promise<void> {
  await db.query('DELETE FROM hub_job_runs WHERE finished_at < $1', [before]);
}
