import type { Command } from 'commander';
import { type DemoSummary, runDemo } from '../demo/run-demo.js';
import { runUntilSignal } from '../process/run-until-signal.js';

/** `econsulat demo`: the hub and two missions on one machine, with demo data. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run a hub and two mission nodes (fr-paris, cm-yaounde) with demo data; Ctrl-C stops')
    .option('--dir <dir>', 'data directory (reused by the next run)', './demo-data')
    .option('--port-base <port>', 'hub HTTP port; missions take the next two, the broker the third', '8080')
    .action(async (options: { dir: string; portBase: string }) => {
      const demo = await runDemo(options.dir, Number(options.portBase));
      // Ctrl-C is taken before the line that says so is printed: a signal sent on reading it stops
      // the demo cleanly instead of killing it mid-write.
      const stopped = runUntilSignal(() => demo.close());
      process.stdout.write(describe(demo.summary, options.dir));
      await stopped;
    });
}

function describe(summary: DemoSummary, dir: string): string {
  const lines = ['', 'e-Consulat RCA demo', '', `Hub (ministry)   ${summary.hub.url}`];
  for (const account of summary.hub.accounts)
    lines.push(`  ${account.username} / ${account.password}  TOTP secret ${account.totpSecret}`);
  for (const mission of summary.missions) {
    lines.push('', `${mission.name}`, `  ${mission.url}   (SMS sent: ${mission.smsOutbox})`);
    if (mission.ussdCallback) lines.push(`  USSD callback  ${mission.ussdCallback}`);
    if (mission.smsCallback) lines.push(`  SMS callback   ${mission.smsCallback}`);
    for (const account of mission.accounts) {
      lines.push(
        `  ${account.username} [${account.roles.join(', ')}] / ${account.password}  TOTP secret ${account.totpSecret}`,
      );
    }
  }
  lines.push(
    '',
    `Broker ${summary.broker}`,
    '',
    'Off-site backups: each mission sends its first one to the hub within seconds (GET /api/v1/missions,',
    `offsiteBackup). The ministry's recovery key, for econsulat node restore --from-hub, is ${summary.recoveryKey}.`,
    '',
    `Accounts, URLs and tokens (metricsToken: Authorization: Bearer … for /metrics) are also in ${dir}/demo.json.`,
    'Ctrl-C stops everything.',
    '',
  );
  return `${lines.join('\n')}\n`;
}
