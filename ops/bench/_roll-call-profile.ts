import { copyFile, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type NodeConfig, nodePaths } from '../../node/config/config.js';
import { decryptField } from '../../node/crypto/field-cipher.js';
import type { Store } from '../../node/db/store.js';
import { createRollCallService } from '../../node/services/roll-calls/index.js';
import { ready } from '../../protocol/index.js';
import { initBenchMission, openMissionStore, seedMission } from './_mission.js';
import { seedNationals } from './_roll-call-nationals.js';
import { median } from './measure.js';

const ROUNDS = 5;

/**
 * Roll-calls queued to 10,000 nationals, alone in a process, for a CPU profile of the queueing:
 *
 *   node --cpu-prof --cpu-prof-dir=DIR --import tsx ops/bench/_roll-call-profile.ts SEED_DIR
 *
 * The mission is seeded once into SEED_DIR (about a minute) and its database kept aside, so that
 * every later run starts from the same 10,000 nationals and no roll-call. Prints each start's time.
 */
async function main(seedDir: string): Promise<void> {
  await ready();
  await mkdir(seedDir, { recursive: true });
  const { config } = await initOrReuse(seedDir);
  const store = await openMissionStore(config);
  const service = createRollCallService({ store, publicUrl: 'https://paris.consulat-rca.example' });
  const times: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    service.start(
      {
        title: 'Consulat RCA',
        message: { fr: 'Etes-vous en securite ?', sg: 'Mo yeke na siriri ?', en: 'Are you safe?' },
        zone: { all: true },
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
      { actor: 'consul:bench' },
    );
    times.push((performance.now() - started) / 1000);
    const used = process.cpuUsage(cpuStarted);
    cpu.push((used.user + used.system) / 1e6);
  }
  if (process.argv[3] === 'answers') answerAll(service, phonesOf(store));
  store.close();
  // On a shared machine the wall time waits for the other processes; the CPU time does not.
  const list = (values: number[]) => values.map((t) => t.toFixed(2)).join(', ');
  console.log(`starts: ${list(times)} s, median ${median(times).toFixed(2)} s`);
  console.log(`CPU time of the process: ${list(cpu)} s, median ${median(cpu).toFixed(2)} s`);
}

/**
 * With `answers` after SEED_DIR: 6,000 SMS answers (`1`, one in seven `2`) recorded one by one as
 * the callback records them, past the five roll-calls just started, for a profile of the answer path.
 */
function answerAll(service: ReturnType<typeof createRollCallService>, phones: readonly string[]): void {
  const times: number[] = [];
  const cpuStarted = process.cpuUsage();
  for (let i = 0; i < 6_000; i++) {
    const from = phones[i % phones.length] as string;
    const started = performance.now();
    service.receiveSms({ from, rawFrom: from, text: i % 7 === 0 ? '2' : '1', gatewayId: `profile-${i}` });
    times.push(performance.now() - started);
  }
  const used = process.cpuUsage(cpuStarted);
  times.sort((a, b) => a - b);
  const at = (q: number) => (times[Math.floor(q * (times.length - 1))] ?? 0).toFixed(2);
  console.log(
    `answers: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, CPU ${((used.user + used.system) / 6_000 / 1000).toFixed(3)} ms each`,
  );
}

/** The nationals' phones, as the roll-calls just started reached them. */
function phonesOf(store: Store): string[] {
  return (
    store.db.prepare('SELECT phone_enc, id FROM people WHERE phone_enc IS NOT NULL').all() as {
      phone_enc: Uint8Array;
      id: string;
    }[]
  ).map((row) =>
    decryptField(store.keys.field, row.phone_enc, { table: 'people', column: 'phone_enc', rowId: row.id }),
  );
}

async function initOrReuse(seedDir: string): Promise<{ config: NodeConfig }> {
  const pristine = join(seedDir, 'pristine.sqlite');
  const exists = await stat(pristine).then(
    () => true,
    () => false,
  );
  if (!exists) {
    const { config } = await initBenchMission(join(seedDir, 'mission'));
    const store = await openMissionStore(config);
    seedMission(store, config);
    await seedNationals(store, config, 10_000);
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    store.close();
    await copyFile(nodePaths(config).database, pristine);
    await copyFile(nodePaths(config).dataKey, join(seedDir, 'pristine.data.key'));
    return { config };
  }
  // A mission of its own for this run, with the seeded database and the data key that opens it.
  const { config } = await initBenchMission(join(seedDir, `run-${Date.now()}`));
  await copyFile(pristine, nodePaths(config).database);
  await copyFile(join(seedDir, 'pristine.data.key'), nodePaths(config).dataKey);
  return { config };
}

const seedDir = process.argv[2];
if (seedDir === undefined) throw new TypeError('usage: _roll-call-profile.ts SEED_DIR');
await main(seedDir);
