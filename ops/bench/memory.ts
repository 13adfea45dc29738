import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CountryCode } from 'libphonenumber-js';
import { missionPrefix, type NodeConfig, nodePaths } from '../../node/config/config.js';
import type { Store } from '../../node/db/store.js';
import { transaction } from '../../node/db/transaction.js';
import { seedServices } from '../../node/services/catalogue/seed.js';
import { createFileService } from '../../node/services/files/file-service.js';
import { createPeopleRepository } from '../../node/services/people/people-repository.js';
import { ready } from '../../protocol/index.js';
import { PRODUCTION_NODE_FLAGS } from '../process/production-node-flags.js';
import { residentBytes, sleep, startChildServer } from './_child.js';
import { initBenchMission, openMissionStore, seedMission } from './_mission.js';
import { figure, median } from './measure.js';

const FILES = 100_000;
const BATCH = 5_000;
const IDLE_MS = 5_000;
const SAMPLES = 5;
const CLI = 'ops/bin/econsulat.js';

/** How the node's code is run: compiled JavaScript (production) or TypeScript through tsx. */
type Runtime = 'compiled' | 'tsx';

/**
 * FILES applicants, each with one file, through the domain services (people repository and files
 * service: encryption, blind indexes, audit chain, outbox event, SMS) in transactions of BATCH.
 * Their SMS are then marked sent, as they would be long since at a mission holding that many files:
 * the node measured is idle, not working through a backlog.
 */
function createFiles(store: Store, config: NodeConfig): number {
  const defaultRegion = config.region as CountryCode;
  const people = createPeopleRepository({ store, defaultRegion });
  const files = createFileService({ store, people, trackingPrefix: missionPrefix(config), defaultRegion });
  const codes = seedServices.map((service) => service.code);
  const start = performance.now();
  for (let first = 0; first < FILES; first += BATCH) {
    transaction(store.db, () => {
      for (let i = first; i < Math.min(first + BATCH, FILES); i++) {
        const person = people.create(
          {
            givenNames: 'Awa',
            familyName: `Ngbanda ${i}`,
            birthDate: `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
            phone: `+336${10_000_000 + i}`,
            idNumber: `CF${String(i).padStart(8, '0')}`,
          },
          'bench',
        );
        const serviceCode = codes[i % codes.length]!;
        files.open({ personId: person.id, serviceCode, channel: i % 3 ? 'counter' : 'online' }, 'bench');
      }
    });
  }
  store.db
    .prepare(`UPDATE sms_outbox SET state = 'sent', sent_at = created_at WHERE state = 'pending'`)
    .run();
  return (performance.now() - start) / 1000;
}

/** Starts `econsulat node run` on the mission, waits until idle, and returns its median RSS in bytes. */
async function idleResident(configPath: string, runtime: Runtime): Promise<number[]> {
  const env = { ...process.env, ECONSULAT_RUNTIME: runtime === 'compiled' ? 'compiled' : '' };
  const args = [...PRODUCTION_NODE_FLAGS, CLI, 'node', 'run', '--config', configPath];
  const node = await startChildServer(args, 120_000, env);
  try {
    for (;;) {
      const answer = await fetch(`${node.url}/healthz`).catch(() => undefined);
      if (answer?.ok) break;
      await sleep(100);
    }
    await sleep(IDLE_MS);
    const samples: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      samples.push(await residentBytes(node.pid));
      await sleep(1000);
    }
    return samples;
  } finally {
    await node.stop();
  }
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

/** Resident memory of an idle mission node holding 100,000 files, against the same node empty. */
export async function benchMemory(): Promise<void> {
  await ready();
  const emptyDir = await mkdtemp(join(tmpdir(), 'econsulat-bench-empty-'));
  const fullDir = await mkdtemp(join(tmpdir(), 'econsulat-bench-full-'));
  try {
    const empty = await initBenchMission(emptyDir);
    const full = await initBenchMission(fullDir);
    const store = await openMissionStore(full.config);
    seedMission(store, full.config);
    const seconds = createFiles(store, full.config);
    store.close();
    const size = (await stat(nodePaths(full.config).database)).size;
    console.log(
      `memory: VmRSS of \`econsulat node run\` in its own process, ${IDLE_MS / 1000} s after /healthz answers, ` +
        `median of ${SAMPLES} readings 1 s apart`,
    );
    console.log(
      `data: ${figure(FILES)} people + ${figure(FILES)} files through the domain services in ${seconds.toFixed(0)} s ` +
        `(${figure(FILES / seconds)} files/s, transactions of ${figure(BATCH)}), database ${mb(size)} MB`,
    );
    // Production runs the compiled JavaScript (npm run build); development runs TypeScript via tsx.
    execFileSync(process.execPath, ['ops/build/build.mjs'], { stdio: 'ignore' });
    for (const runtime of ['compiled', 'tsx'] as const) {
      const baseline = await idleResident(empty.configPath, runtime);
      const loaded = await idleResident(full.configPath, runtime);
      console.log(
        `${runtime}: idle node, empty database: ${mb(median(baseline))} MB (readings: ${baseline.map(mb).join(', ')})`,
      );
      console.log(
        `${runtime}: idle node, ${figure(FILES)} files: ${mb(median(loaded))} MB (readings: ${loaded.map(mb).join(', ')}) ` +
          `(target ≤ 150 MB)`,
      );
    }
  } finally {
    await rm(emptyDir, { recursive: true, force: true });
    await rm(fullDir, { recursive: true, force: true });
  }
}
