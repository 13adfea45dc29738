/** Where jobs report: pino's (and so fastify's `app.log`) signature. */
export interface JobLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** How one run of a job ended. */
export type JobOutcome =
  | { readonly status: 'done'; readonly result: unknown }
  | { readonly status: 'skipped' }
  | { readonly status: 'failed'; readonly error: unknown };

/** A job that can be run by the scheduler or by hand. */
export interface GuardedJob {
  readonly name: string;
  /** Runs the job unless a run is in progress; never throws. */
  run(): Promise<JobOutcome>;
  isRunning(): boolean;
  /** Resolves when no run is in progress (at once when idle). */
  whenIdle(): Promise<void>;
}

/**
 * Wraps a job body so that it never overlaps itself (a nightly backup still running when the next
 * one is due is skipped, not doubled) and never brings the node down: a failure is logged and the
 * next run tries again.
 */
export function guardJob(name: string, body: () => unknown, log: JobLogger): GuardedJob {
  let current: Promise<JobOutcome> | undefined;
  const execute = async (): Promise<JobOutcome> => {
    const started = Date.now();
    try {
      const result = await body();
      log.info({ job: name, ms: Date.now() - started, result }, 'job done');
      return { status: 'done', result };
    } catch (error) {
      log.error({ job: name, ms: Date.now() - started, err: error }, 'job failed');
      return { status: 'failed', error };
    }
  };
  return {
    name,
    isRunning: () => current !== undefined,
    whenIdle: async () => {
      await current;
    },
    run(): Promise<JobOutcome> {
      if (current) {
        log.warn({ job: name }, 'job still running: this run is skipped');
        return Promise.resolve({ status: 'skipped' });
      }
      const run = execute();
      current = run;
      // Cleared once settled, whether the body was synchronous or not.
      void run.then(() => {
        if (current === run) current = undefined;
      });
      return run;
    },
  };
}
