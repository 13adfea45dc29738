import { schedule } from 'node-cron';
import type { Identity } from '../protocol/index.js';
import type { HubContext } from './context.js';
import { runOncePerPeriod } from './run-once.js';
import type { OffsiteSettings } from './services/offsite/offsite-settings.js';
import { pruneOffsiteGenerations } from './services/offsite/prune-generations.js';
import { sendOffsitePolicy } from './services/offsite/send-policy.js';

/**
 * The off-site backups' jobs: the policy sent to each mission that lacks the one in force (at
 * start, then every ten minutes for missions enrolled since), and the retention each night, after
 * the missions' nightly backups reached the hub. Among several hub processes with the jobs role,
 * one sends the policy at a time, and the retention runs once a night (`holder` names this one in
 * hub_job_runs).
 */
export function startOffsiteJobs(
  context: HubContext,
  identity: Identity,
  settings: OffsiteSettings,
  holder: string,
) {
  const log = context.app.log;
  const sendPolicy = async () => {
    try {
      // Remembered per mission: a second process in line finds nothing left to send.
      await context.db.exclusive('econsulat-job:offsite-policy', async () => {
        const sent = await sendOffsitePolicy(context.db, identity, context.trust, settings, new Date());
        for (const { missionId, envelope } of sent) context.link.publishDown(missionId, envelope);
        if (sent.length > 0) log.info({ missions: sent.map((s) => s.missionId) }, 'off-site policy sent');
      });
    } catch (error) {
      log.error({ err: error }, 'sending the off-site policy failed');
    }
  };
  void sendPolicy();
  const policy = schedule('*/10 * * * *', sendPolicy);
  const retention = schedule('23 5 * * *', async () => {
    try {
      await runOncePerPeriod(context.db, 'offsite-retention', 'day', holder, async () => {
        const report = await pruneOffsiteGenerations(context.db, settings.keep);
        for (const mission of report) log.info(mission, 'off-site retention applied');
      });
    } catch (error) {
      log.error({ err: error }, 'off-site retention failed');
    }
  });
  return {
    async stop() {
      await policy.stop();
      await retention.stop();
    },
  };
}
