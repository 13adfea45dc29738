import cron, { type Logger as CronLogger, type ScheduledTask } from 'node-cron';
import type { NodeConfig } from '../config/config.js';
import type { Store } from '../db/store.js';
import type { Appointments } from '../services/appointments/appointments.js';
import type { PaymentService } from '../services/payments/payment-service.js';
import { closeDueRollCalls } from '../services/roll-calls/index.js';
import {
  expireAppointmentHolds,
  markMissedAppointments,
  sendAppointmentReminders,
} from './appointment-jobs.js';
import { queueAuditCheckpoint } from './audit-checkpoint.js';
import { type GuardedJob, guardJob, type JobLogger } from './job-runner.js';
import { runNightlyBackup } from './nightly-backup.js';
import { pollPaymentCheckouts } from './payment-checkouts.js';
import { purgeExpiredData, type RetentionPolicyInput } from './retention.js';
import { queueStatsSnapshot } from './stats-snapshot.js';

/** What the scheduled jobs need. */
export interface JobsDeps {
  readonly store: Store;
  readonly appointments: Pick<Appointments, 'queueReminders' | 'expireHolds' | 'markNoShows'>;
  /** The time zone places the nightly jobs in the mission's night. */
  readonly config: Pick<NodeConfig, 'dataDir' | 'backup' | 'timeZone'>;
  readonly log: JobLogger;
  readonly retention?: RetentionPolicyInput;
  /** Packs an off-site generation after the nightly backup (absent when the node has no link). */
  readonly offsite?: () => Promise<unknown>;
  /** Asks mobile money providers about the checkouts whose notice has not come (absent: no polling). */
  readonly payments?: Pick<PaymentService, 'pollPendingCheckouts'>;
}

/** When each job runs (cron, in the mission's time zone). */
export const JOB_SCHEDULES = {
  'appointment-reminders': '0 * * * *',
  'appointment-holds': '* * * * *',
  'appointment-no-shows': '*/15 * * * *',
  'audit-checkpoint': '0 */6 * * *',
  'stats-snapshot': '*/15 * * * *',
  // A roll-call closes within a minute of its end: late answers are then kept aside, not counted.
  'roll-call-close': '* * * * *',
  // Every 30 seconds; each pending checkout has its own, growing interval (checkout-polling.ts).
  'payment-checkouts': '*/30 * * * * *',
  // The quiet hours of a consulate, and apart, so the backup and the purge never share the disk.
  backup: '30 2 * * *',
  retention: '15 4 * * *',
} as const;

/** The name of a scheduled job. */
export type JobName = keyof typeof JOB_SCHEDULES;

/** The running jobs: each can also be run by hand (an admin's "back up now"). */
export interface RunningJobs {
  readonly jobs: Readonly<Record<JobName, GuardedJob>>;
  /** Stops the schedule and waits for the runs in progress (a backup half-written) to end. */
  stop(): Promise<void>;
}

/** Builds the node's jobs without scheduling them. */
export function createJobs(deps: JobsDeps): Record<JobName, GuardedJob> {
  const { store, appointments, log } = deps;
  const bodies: Record<JobName, () => unknown> = {
    'appointment-reminders': () => sendAppointmentReminders(appointments),
    'appointment-holds': () => expireAppointmentHolds(appointments),
    'appointment-no-shows': () => markMissedAppointments(appointments),
    'audit-checkpoint': () => queueAuditCheckpoint(store),
    'stats-snapshot': () => queueStatsSnapshot(store),
    'roll-call-close': () => closeDueRollCalls(store, new Date()),
    'payment-checkouts': () => pollPaymentCheckouts(deps.payments),
    backup: () => backupThenOffsite(deps),
    retention: () => purgeExpiredData(store, deps.retention),
  };
  const entries = Object.entries(bodies).map(([name, body]) => [name, guardJob(name, body, log)] as const);
  return Object.fromEntries(entries) as Record<JobName, GuardedJob>;
}

/**
 * The nightly backup, then the off-site generation: the local backup is done whatever becomes of
 * the off-site one (no policy from the hub yet, a full disk), which is logged and tried next night.
 */
async function backupThenOffsite(deps: JobsDeps): Promise<unknown> {
  const local = await runNightlyBackup(deps.store, deps.config);
  if (!deps.offsite) return local;
  try {
    return { ...local, offsite: await deps.offsite() };
  } catch (error) {
    deps.log.error({ job: 'backup', err: error }, 'off-site generation not packed');
    return local;
  }
}

/** Schedules every job and queues an audit checkpoint at once (a restart is worth telling HQ). */
export function startJobs(deps: JobsDeps): RunningJobs {
  const jobs = createJobs(deps);
  const logger = cronLogger(deps.log);
  const tasks: ScheduledTask[] = (Object.keys(JOB_SCHEDULES) as JobName[]).map((name) =>
    cron.schedule(JOB_SCHEDULES[name], () => jobs[name].run(), {
      name,
      timezone: deps.config.timeZone,
      noOverlap: true,
      unref: true,
      logger,
    }),
  );
  void jobs['audit-checkpoint'].run();
  return {
    jobs,
    async stop() {
      for (const task of tasks) await task.destroy();
      await Promise.all(Object.values(jobs).map((job) => job.whenIdle()));
    },
  };
}

function cronLogger(log: JobLogger): CronLogger {
  const fields = { component: 'node-cron' };
  return {
    info: (message) => log.info(fields, message),
    warn: (message) => log.warn(fields, message),
    error: (message, err) => log.error({ ...fields, err }, String(message)),
    debug: () => undefined,
  };
}
