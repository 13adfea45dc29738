import type { Command } from 'commander';
import { z } from 'zod';
import type { LoadgenReport } from '../loadgen/loadgen.js';
import { reportErrors } from './report-errors.js';
import { UsageError } from './usage-error.js';

const optionsSchema = z.object({
  missions: z.coerce.number().int().min(1).max(2_000),
  processes: z.coerce.number().int().min(1).max(16),
  seconds: z.coerce.number().int().min(0).max(86_400),
  backlog: z.coerce.number().int().min(0).max(1_000_000),
  scale: z.coerce.number().min(0.1).max(1_000),
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, { error: 'a postgres:// URL' }),
  mqttUrl: z.string().regex(/^mqtts?:\/\//, { error: 'an mqtt:// URL' }),
});

/** `econsulat loadgen`: N simulated missions against 1 to 16 hub processes, over the real link. */
export function registerLoadgenCommand(program: Command): void {
  program
    .command('loadgen')
    .description(
      'simulate missions (real node stores and links) sending a large consulate’s traffic to hub processes over PostgreSQL and Mosquitto; report the ingest lag and the hub CPU per event',
    )
    .option('--missions <n>', 'simulated missions', '200')
    .option('--processes <n>', 'hub processes (the first runs every role, the others ingest)', '1')
    .option('--seconds <n>', 'how long the traffic runs', '60')
    .option(
      '--backlog <n>',
      'events each mission holds before its link starts, as after an outage: the catch-up is timed',
      '0',
    )
    .option('--scale <x>', 'times a large consulate’s working-day traffic per mission', '10')
    .option(
      '--database-url <url>',
      'a PostgreSQL server where the run creates and drops a database of its own',
      process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    )
    .option(
      '--mqtt-url <url>',
      'an external broker with shared subscriptions',
      process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883',
    )
    .action((raw: Record<string, string>) => reportErrors(() => loadgenCommand(raw)));
}

async function loadgenCommand(raw: Record<string, string>): Promise<void> {
  const parsed = optionsSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `--${String(issue.path[0])}: ${issue.message}`);
    throw new UsageError(issues.join('; '));
  }
  const { runLoadgen } = await import('../loadgen/loadgen.js');
  const { mqttUrl, ...rest } = parsed.data;
  const report = await runLoadgen({
    ...rest,
    brokerUrl: mqttUrl,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(formatReport(report));
}

/** The report as the operator reads it, one figure per line. */
export function formatReport(report: LoadgenReport): string {
  const seconds = (value: number) => `${value.toFixed(2)} s`;
  const cpu = (values: readonly number[]) => values.map((value) => value.toFixed(1)).join(' + ');
  const lines = [`missions ${report.missions}, hub processes ${report.processes}`];
  if (report.catchUpSeconds > 0) {
    lines.push(
      `catch-up of the missions' backlog ${seconds(report.catchUpSeconds)}, hub CPU ${cpu(report.catchUpCpuSeconds)} s`,
    );
  }
  if (report.seconds > 0) {
    lines.push(
      `traffic ${report.seconds} s at ${report.scale}× a large consulate (${report.offeredPerSecond.toFixed(1)} events/s)`,
      `traffic's ingest lag p50 ${seconds(report.lag.p50)}, p99 ${seconds(report.lag.p99)}, max ${seconds(report.lag.max)}; backlog drained ${seconds(report.drainSeconds)} after the traffic`,
      `hub CPU ${cpu(report.cpuSeconds)} s, ${report.cpuMsPerEvent.toFixed(2)} ms per event`,
    );
  }
  lines.push(
    `events sent ${report.sent}, at the hub ${report.applied}, counted by the dashboards ${report.counted}`,
    // The PostgreSQL server's own processes do the inserts' work; their CPU is not in these figures.
    '(hub CPU: the hub processes only, not the PostgreSQL server)',
    '',
  );
  return lines.join('\n');
}
