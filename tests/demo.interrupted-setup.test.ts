import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEMO_READY_LINE,
  type DemoProcess,
  killLeftoverDemos,
  spawnDemo,
} from './_util/processes/demo-cli.js';
import { loginBearer } from './_util/processes/hub-database.js';

interface DemoFile {
  hub: { url: string; accounts: { username: string; password: string; totpSecret: string }[] };
  missions: { id: string; url: string }[];
}

/**
 * Points of a first `npm start` at which it is killed, each seen on disk: the next start must go
 * on from whatever the kill left. In this order, each kill comes one run later than the last.
 */
const KILL_POINTS = [
  { when: 'the recovery key is written', path: 'recovery.secret' },
  { when: 'the hub key is written', path: 'hub/keys/hub.key' },
  { when: 'initdb is building the hub’s database', path: 'hub/postgres.initdb' },
  { when: 'one mission is enrolled, the other not yet', path: 'cm-yaounde' },
  { when: 'the setup is finished and the demo starting', path: 'setup.json' },
] as const;

/** Resolves once `path` exists; rejects if the demo exits first or after the bound. */
async function appears(path: string, demo: DemoProcess): Promise<void> {
  const deadline = Date.now() + 150_000;
  while (!existsSync(path)) {
    if (demo.process.exitCode !== null) throw new Error(`the demo exited before ${path}:\n${demo.output()}`);
    if (Date.now() > deadline) throw new Error(`${path} never appeared:\n${demo.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function ready(demo: DemoProcess): Promise<void> {
  await expect
    .poll(
      () => {
        if (demo.process.exitCode !== null) throw new Error(`the demo exited:\n${demo.output()}`);
        return demo.output().includes(DEMO_READY_LINE);
      },
      { timeout: 150_000, interval: 50 },
    )
    .toBe(true);
}

describe('an interrupted first npm start (econsulat demo)', () => {
  let dir: string | undefined;
  afterAll(async () => {
    await killLeftoverDemos();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is finished or started again by the next one, killed at each step of the setup', async () => {
    dir = await mkdtemp(join(tmpdir(), 'econsulat-demo-killed-'));
    // Run as root, the hub's PostgreSQL runs as its own system user, which must pass through.
    await chmod(dir, 0o711);
    const portBase = 20_000 + Math.floor(Math.random() * 400) * 10;
    const outputs: string[] = [];
    for (const point of KILL_POINTS) {
      const demo = spawnDemo(dir, portBase);
      await appears(join(dir, point.path), demo);
      demo.process.kill('SIGKILL');
      await demo.exited;
      outputs.push(`-- killed when ${point.when}\n${demo.output()}`);
    }

    const demo = spawnDemo(dir, portBase);
    await ready(demo);
    outputs.push(demo.output());
    // No run failed on what an earlier one left (EEXIST … hub/keys/hub.key, a stack trace).
    const all = outputs.join('\n');
    expect(all).not.toMatch(/EEXIST|Error:|\n\s+at /);

    const file = JSON.parse(await readFile(join(dir, 'demo.json'), 'utf8')) as DemoFile;
    const account = file.hub.accounts[0];
    if (!account) throw new Error('no hub account in demo.json');
    const bearer = await loginBearer(file.hub.url, account);
    expect(file.missions.map((mission) => mission.id)).toEqual(['fr-paris', 'cm-yaounde']);
    for (const mission of file.missions) {
      expect((await fetch(`${mission.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${mission.url}/api/v1/services`)).status).toBe(200);
    }
    // Both missions enrolled at the hub that runs now, not at one an earlier run began.
    await expect
      .poll(
        async () => {
          const response = await fetch(`${file.hub.url}/api/v1/dashboard/summary`, {
            headers: bearer,
          });
          return ((await response.json()) as { missions: { online: number } }).missions.online;
        },
        { timeout: 30_000 },
      )
      .toBe(2);
    demo.process.kill('SIGINT');
    expect(await demo.exited).toBe(0);
  }, 600_000);
});
