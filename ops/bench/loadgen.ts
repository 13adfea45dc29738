import { formatReport } from '../commands/loadgen.js';
import { runLoadgen } from '../loadgen/loadgen.js';

/**
 * `npm run bench -- loadgen`: 200 missions at ten times a large consulate's traffic against 1, 2
 * and 4 hub processes, then 50 and 100 missions against 2, for the cost per mission and how it
 * grows; then the catch-up of 5,000 events held by 5 missions by 1 and by 2 processes. Needs PostgreSQL (DATABASE_URL, else the local server) and Mosquitto (MQTT_URL, else
 * 127.0.0.1:1883).
 */
export async function benchLoadgen(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const brokerUrl = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
  const seconds = Number(process.env.LOADGEN_SECONDS ?? 60);
  const rounds = [
    { missions: 200, processes: 1 },
    { missions: 200, processes: 2 },
    { missions: 200, processes: 4 },
    { missions: 50, processes: 2 },
    { missions: 100, processes: 2 },
  ];
  for (const round of rounds) {
    const report = await runLoadgen({ ...round, seconds, scale: 10, databaseUrl, brokerUrl });
    process.stdout.write(`loadgen: ${formatReport(report)}\n`);
  }
  for (const processes of [1, 2]) {
    const report = await runLoadgen({
      missions: 5,
      processes,
      backlog: 1_000,
      seconds: 0,
      scale: 10,
      databaseUrl,
      brokerUrl,
    });
    process.stdout.write(`loadgen catch-up: ${formatReport(report)}\n`);
  }
}
