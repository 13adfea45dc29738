import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadHubIdentity } from '../../hub/config/secrets.js';
import type { Database } from '../../hub/db/database.js';
import { loadDataKey } from '../../node/crypto/key-file.js';
import { openStore } from '../../node/db/store.js';
import { createFileService } from '../../node/services/files/file-service.js';
import { documentsDirIn } from '../../node/services/files/scan-files.js';
import { createPeopleRepository } from '../../node/services/people/people-repository.js';
import { readHubConfig } from '../../ops/commands/hub.js';
import { freePort } from './free-port.js';
import type { TempDir } from './node-store.js';
import { econsulat } from './processes/econsulat-cli.js';
import { type HubProcess, startHubProcess } from './processes/hub-cli.js';
import { ministryBearer, runningHubDatabase } from './processes/hub-database.js';
import { fakeJpeg, fakePdf } from './scans.js';

/** The mission of the off-site tests on real processes. */
export const OFFSITE_MISSION = 'fr-paris';

/** A hub with the ministry's recovery key and one enrolled mission, made with the runbooks' commands. */
export interface OffsiteSite {
  readonly vault: string;
  readonly missionDir: string;
  readonly nodeConfigFile: string;
  readonly hub: HubProcess;
  readonly hubUrl: string;
  readonly db: Database;
  readonly headers: { authorization: string };
  /** The bearer token of the hub's /metrics. */
  readonly metricsToken: string;
  /** The mission's off-site backup as `GET /api/v1/missions` gives it, or null. */
  offsiteAtHub(): Promise<{ generation: number; bytes: number } | null>;
}

/**
 * `hub recovery-key create`, `hub init` with its public half in the config (and `offsite` settings
 * given), `node init`, enrolment; scans planted in the mission before it first starts (`photos` of
 * 1.5 MB, two chunks each); then the hub started and a directorate account logged in.
 */
export async function offsiteSite(
  temp: TempDir,
  options: { readonly offsite?: Record<string, unknown>; readonly photos?: number } = {},
): Promise<OffsiteSite & { readonly scans: Map<string, Buffer> }> {
  // Run as root, the hub's PostgreSQL runs as a system user of its own, which must pass through.
  await chmod(temp.dir, 0o711);
  const hubDir = join(temp.dir, 'hub');
  const missionDir = join(temp.dir, 'mission');
  const vault = join(temp.dir, 'vault');
  const hubConfigFile = join(hubDir, 'hub.json');
  const nodeConfigFile = join(missionDir, 'node.json');
  const mqttPort = await freePort();
  await econsulat('hub', 'recovery-key', 'create', '--out', vault);
  const recoveryPublic = JSON.parse(await readFile(join(vault, 'recovery.public'), 'utf8')) as {
    publicKey: string;
  };
  await econsulat('hub', 'init', '--dir', hubDir, '--http-port', '0', '--mqtt-port', String(mqttPort));
  const hubJson = JSON.parse(await readFile(hubConfigFile, 'utf8')) as Record<string, unknown>;
  const offsite = { recoveryPublicKey: recoveryPublic.publicKey, ...options.offsite };
  await writeFile(hubConfigFile, JSON.stringify({ ...hubJson, offsite }, null, 2), { mode: 0o600 });
  await econsulat(
    ...[
      'node',
      'init',
      '--mission',
      OFFSITE_MISSION,
      '--name',
      'Ambassade de la RCA à Paris',
      '--dir',
      missionDir,
    ],
    ...['--region', 'FR', '--currency', 'EUR', '--time-zone', 'Europe/Paris', '--port', '0', '--no-tls'],
    ...['--mqtt-url', `mqtt://127.0.0.1:${mqttPort}`],
  );
  const bundle = join(temp.dir, 'enrolment-bundle.json');
  await econsulat(
    ...['hub', 'enrol', '--config', hubConfigFile, '--request', join(missionDir, 'enrolment-request.json')],
    ...['--out', bundle],
  );
  await econsulat('node', 'import-enrolment', '--config', nodeConfigFile, '--bundle', bundle);
  const scans = await plantScans(missionDir, options.photos ?? 1);

  const hubConfig = await readHubConfig(hubConfigFile);
  const hub = await startHubProcess(hubConfigFile);
  const hubUrl = /hub listening on (\S+)/.exec(hub.output())?.[1]?.replace(/\/$/, '') ?? '';
  const db = runningHubDatabase(hubConfig);
  const { headers } = await ministryBearer(db, await loadHubIdentity(hubConfig), hubUrl);
  const offsiteAtHub = async () => {
    const response = await fetch(`${hubUrl}/api/v1/missions`, { headers });
    const body = (await response.json()) as {
      missions: { id: string; offsiteBackup: { generation: number; bytes: number } | null }[];
    };
    return body.missions.find((mission) => mission.id === OFFSITE_MISSION)?.offsiteBackup ?? null;
  };
  const metricsToken = hubConfig.metrics.token ?? '';
  return { vault, missionDir, nodeConfigFile, hub, hubUrl, db, headers, metricsToken, offsiteAtHub, scans };
}

/** A person, a file and its scans (a PDF and `photos` photos) in a mission's store; the scans' files as bytes. */
async function plantScans(missionDir: string, photos: number): Promise<Map<string, Buffer>> {
  const store = await openStore({
    path: join(missionDir, 'mission.sqlite'),
    dataKey: await loadDataKey(join(missionDir, 'keys', 'data.key')),
  });
  try {
    const people = createPeopleRepository({ store, defaultRegion: 'FR' });
    const files = createFileService({ store, people, trackingPrefix: 'PAR', defaultRegion: 'FR' });
    const person = people.create(
      { givenNames: 'Faustin', familyName: 'Touadéra', phone: '+33611223344' },
      'agent',
    );
    const file = files.open(
      { personId: person.id, serviceCode: 'passport-renewal', channel: 'counter' },
      'agent',
    );
    await files.addDocument(
      file.id,
      { label: 'Passeport', contentType: 'application/pdf', bytes: fakePdf('PA556677') },
      'agent',
    );
    for (let n = 0; n < photos; n++) {
      await files.addDocument(
        file.id,
        { label: `Photo ${n}`, contentType: 'image/jpeg', bytes: fakeJpeg(1_500_000 + n) },
        'agent',
      );
    }
  } finally {
    store.close();
  }
  const dir = documentsDirIn(missionDir);
  const found = new Map<string, Buffer>();
  for (const name of await readdir(dir, { recursive: true })) {
    const bytes = await readFile(join(dir, name)).catch(() => undefined);
    if (bytes) found.set(name, bytes);
  }
  expect(found.size).toBeGreaterThanOrEqual(1 + photos);
  return found;
}
