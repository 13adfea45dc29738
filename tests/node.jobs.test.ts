import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import cron from 'node-cron';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeConfigSchema } from '../node/config/config.js';
import {
  expireAppointmentHolds,
  markMissedAppointments,
  sendAppointmentReminders,
} from '../node/jobs/appointment-jobs.js';
import { queueAuditCheckpoint } from '../node/jobs/audit-checkpoint.js';
import { guardJob, type JobLogger } from '../node/jobs/job-runner.js';
import { runNightlyBackup } from '../node/jobs/nightly-backup.js';
import { createJobs, JOB_SCHEDULES, startJobs } from '../node/jobs/schedule.js';
import { appendAudit, auditHead } from '../node/services/audit/audit-log.js';
import { firstPending, pendingCount } from '../node/services/outbox/pending-messages.js';
import { applicant, codeFor, openMission, TUESDAY_9AM } from './_util/appointments.js';
import { openTempStore } from './_util/node-store.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function mission() {
  const opened = await openMission({ reminderLeadHours: 24 });
  cleanups.push(opened.cleanup);
  return opened;
}

async function tempStore() {
  const temp = await openTempStore();
  cleanups.push(temp.cleanup);
  return temp;
}

/** A logger that keeps what it is told. */
function recordingLog() {
  const lines: Array<{ level: string; fields: object; message: string }> = [];
  const at =
    (level: string) =>
    (fields: object, message: string): void => {
      lines.push({ level, fields, message });
    };
  const log: JobLogger = { info: at('info'), warn: at('warn'), error: at('error') };
  return { log, lines };
}

const RENEWAL = 'passport-renewal';

describe('node jobs: appointments', () => {
  it('queues a reminder once for a booking coming up, however often the job runs', async () => {
    const m = await mission();
    const { reference } = m.appointments.book(
      { serviceCode: RENEWAL, slotStart: TUESDAY_9AM, ...applicant(1) },
      'portal',
    );
    m.appointments.confirm({ reference, code: codeFor(m.store, reference) }, 'portal');
    m.clock.set('2026-03-02T09:00:00.000Z');
    expect(sendAppointmentReminders(m.appointments)).toEqual({ reminded: 1 });
    expect(sendAppointmentReminders(m.appointments)).toEqual({ reminded: 0 });
    const reminders = m.store.db
      .prepare(`SELECT count(*) AS n FROM sms_outbox WHERE purpose = 'reminder'`)
      .get();
    expect(reminders).toEqual({ n: 1 });
  });

  it('expires a hold whose code was never entered', async () => {
    const m = await mission();
    const { reference } = m.appointments.book(
      { serviceCode: RENEWAL, slotStart: TUESDAY_9AM, ...applicant(1) },
      'portal',
    );
    expect(expireAppointmentHolds(m.appointments)).toEqual({ expired: 0 });
    m.clock.advanceMinutes(16);
    expect(expireAppointmentHolds(m.appointments)).toEqual({ expired: 1 });
    expect(m.appointments.get(reference)?.state).toBe('expired');
  });

  it('marks a confirmed booking missed once its slot is long over', async () => {
    const m = await mission();
    const { reference } = m.appointments.book(
      { serviceCode: RENEWAL, slotStart: TUESDAY_9AM, ...applicant(1) },
      'portal',
    );
    m.appointments.confirm({ reference, code: codeFor(m.store, reference) }, 'portal');
    expect(markMissedAppointments(m.appointments)).toEqual({ noShows: 0 });
    m.clock.set('2026-03-03T12:00:00.000Z');
    expect(markMissedAppointments(m.appointments)).toEqual({ noShows: 1 });
    expect(m.appointments.get(reference)?.state).toBe('no_show');
  });
});

describe('node jobs: audit checkpoint', () => {
  it('queues the head of the audit chain for the hub', async () => {
    const { store } = await tempStore();
    for (const n of [1, 2, 3]) {
      appendAudit(store.db, {
        actor: 'agent',
        action: 'person.created',
        entity: 'person',
        entityId: `p${n}`,
      });
    }
    const at = new Date('2026-03-02T06:00:00.000Z');
    const queued = queueAuditCheckpoint(store, at);
    expect(queued).toMatchObject({ length: 3, headHash: auditHead(store.db).headHash });
    expect(firstPending(store)).toEqual({
      id: queued.pendingId,
      type: 'audit.checkpoint',
      body: {
        at: at.toISOString(),
        length: 3,
        headHash: auditHead(store.db).headHash,
        // The proof that the head extends the empty chain: one digest per entry.
        since: { length: 0, headHash: '0'.repeat(64) },
        digests: [expect.stringMatching(/^[0-9a-f]{64}$/), expect.any(String), expect.any(String)],
      },
    });
    // Kept at the node too, for `econsulat audit verify`.
    expect(store.db.prepare('SELECT at, length, head_hash AS headHash FROM audit_checkpoints').all()).toEqual(
      [{ at: at.toISOString(), length: 3, headHash: auditHead(store.db).headHash }],
    );
  });

  it('queues the genesis head for an empty chain', async () => {
    const { store } = await tempStore();
    queueAuditCheckpoint(store);
    expect(firstPending(store)?.body).toMatchObject({ length: 0, headHash: '0'.repeat(64) });
  });
});

describe('node jobs: running them', () => {
  it('never runs a job twice at once: an overlapping run is skipped', async () => {
    const { log, lines } = recordingLog();
    let release = () => {};
    let runs = 0;
    const job = guardJob(
      'slow',
      () =>
        new Promise<void>((resolve) => {
          runs++;
          release = resolve;
        }),
      log,
    );
    const first = job.run();
    expect(await job.run()).toEqual({ status: 'skipped' });
    release();
    expect(await first).toMatchObject({ status: 'done' });
    expect(runs).toBe(1);
    expect(lines.some((line) => line.level === 'warn' && line.message.includes('skipped'))).toBe(true);
    const second = job.run();
    release();
    await second;
    expect(runs).toBe(2);
  });

  it('logs a failing job instead of throwing, and runs it again next time', async () => {
    const { log, lines } = recordingLog();
    let calls = 0;
    const job = guardJob(
      'flaky',
      () => {
        calls++;
        if (calls === 1) throw new Error('disk full');
        return 'ok';
      },
      log,
    );
    expect(await job.run()).toMatchObject({ status: 'failed' });
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'error', fields: expect.objectContaining({ job: 'flaky' }) }),
    );
    expect(await job.run()).toEqual({ status: 'done', result: 'ok' });
  });

  it('queues an audit checkpoint on start, and stops cleanly', async () => {
    const m = await mission();
    const config = { dataDir: m.dir, backup: { keep: 2 }, timeZone: 'Europe/Paris' };
    const running = startJobs({
      store: m.store,
      appointments: m.appointments,
      config,
      log: recordingLog().log,
    });
    await running.jobs['audit-checkpoint'].whenIdle();
    expect(pendingCount(m.store)).toBe(1);
    expect(firstPending(m.store)?.type).toBe('audit.checkpoint');
    await running.stop();
  });

  it('schedules every job with a valid cron expression', () => {
    for (const [name, expression] of Object.entries(JOB_SCHEDULES))
      expect(cron.validate(expression), name).toBe(true);
  });

  it('waits for a run in progress when stopped', async () => {
    const m = await mission();
    const config = { dataDir: m.dir, backup: { keep: 2 }, timeZone: 'UTC' };
    const running = startJobs({
      store: m.store,
      appointments: m.appointments,
      config,
      log: recordingLog().log,
    });
    const backup = running.jobs.backup.run();
    await running.stop();
    expect(running.jobs.backup.isRunning()).toBe(false);
    expect(await backup).toMatchObject({ status: 'done' });
  });

  it('backs up every night into the data directory and keeps the last N', async () => {
    const m = await mission();
    const config = nodeConfigSchema.parse({
      missionId: 'fr-paris',
      missionName: 'Ambassade',
      dataDir: m.dir,
      http: {},
      region: 'FR',
      hostCurrency: 'EUR',
      backup: { keep: 2 },
    });
    for (const day of ['01', '02', '03']) {
      await runNightlyBackup(m.store, config, new Date(`2026-03-${day}T01:30:00.000Z`));
    }
    const files = await readdir(join(m.dir, 'backups'));
    expect(files.sort()).toEqual([
      'mission-20260302T013000Z.sqlite.enc',
      'mission-20260303T013000Z.sqlite.enc',
    ]);
  });

  it('runs the backup job by hand through the same guard', async () => {
    const m = await mission();
    const { log } = recordingLog();
    const config = { dataDir: m.dir, backup: { keep: 3 }, timeZone: 'UTC' };
    const jobs = createJobs({ store: m.store, appointments: m.appointments, config, log });
    const outcome = await jobs.backup.run();
    expect(outcome).toMatchObject({ status: 'done', result: expect.objectContaining({ pruned: [] }) });
    expect(await readdir(join(m.dir, 'backups'))).toHaveLength(1);
  });
});
