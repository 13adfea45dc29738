import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeConfigSchema, nodePaths } from '../node/config/config.js';
import { loadDataKey } from '../node/crypto/key-file.js';
import { openStore } from '../node/db/store.js';
import { auditHead } from '../node/services/audit/audit-log.js';
import { createPeopleRepository } from '../node/services/people/people-repository.js';
import { makeTempDir } from './_util/node-store.js';

const bin = new URL('../ops/bin/econsulat.js', import.meta.url).pathname;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command line; resolves with its exit code and output, whatever the code. */
function econsulat(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], (error, stdout, stderr) => {
      const code = error ? Number((error as { code?: unknown }).code ?? 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A mission created by `econsulat node init`, with a few people written through the repository. */
async function initMission() {
  const temp = await makeTempDir('econsulat-cli-');
  cleanups.push(temp.cleanup);
  const dir = join(temp.dir, 'paris');
  const init = await econsulat(
    ...['node', 'init', '--mission', 'fr-paris', '--name', 'Ambassade de la RCA a Paris'],
    ...['--dir', dir, '--region', 'FR', '--currency', 'EUR', '--time-zone', 'Europe/Paris'],
  );
  expect(init, init.stderr).toMatchObject({ code: 0 });
  const config = join(dir, 'node.json');
  const dataKey = await loadDataKey(nodePaths({ dataDir: dir }).dataKey);
  const store = await openStore({ path: nodePaths({ dataDir: dir }).database, dataKey });
  const people = createPeopleRepository({ store, defaultRegion: 'FR' });
  const ids = ['Bangui', 'Berbérati', 'Bambari'].map(
    (familyName) => people.create({ givenNames: 'Marie', familyName }, 'agent').id,
  );
  // `node init` writes entries of its own (the first administrator): count what is there.
  const auditLength = auditHead(store.db).length;
  store.close();
  return { root: temp.dir, dir, config, dataKey, ids, auditLength };
}

describe('econsulat node backup / restore and audit verify', () => {
  it('backs up, restores into a new directory, and verifies the audit chain', async () => {
    const m = await initMission();
    const backup = await econsulat('node', 'backup', '--config', m.config);
    expect(backup, backup.stderr).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('backup written'),
    });
    const [file] = await readdir(join(m.dir, 'backups'));
    expect(file).toMatch(/^mission-\d{8}T\d{6}Z\.sqlite\.enc$/);
    const from = join(m.dir, 'backups', file!);

    const target = join(m.root, 'restored');
    const restore = await econsulat('node', 'restore', '--config', m.config, '--from', from, '--dir', target);
    expect(restore, restore.stderr).toMatchObject({
      code: 0,
      stdout: expect.stringContaining(`audit log OK: ${m.auditLength} entries`),
    });
    const store = await openStore({ path: join(target, 'mission.sqlite'), dataKey: m.dataKey });
    const people = createPeopleRepository({ store, defaultRegion: 'FR' });
    expect(m.ids.map((id) => people.get(id)?.familyName)).toEqual(['Bangui', 'Berbérati', 'Bambari']);
    store.close();
    const written = nodeConfigSchema.parse(JSON.parse(await readFile(join(target, 'node.json'), 'utf8')));
    expect(written.dataDir).toBe(target);

    const again = await econsulat('node', 'restore', '--config', m.config, '--from', from, '--dir', target);
    expect(again).toMatchObject({ code: 1, stderr: expect.stringContaining('target_exists') });

    const verify = await econsulat('audit', 'verify', '--config', m.config);
    expect(verify).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(new RegExp(`audit log OK: ${m.auditLength} entries, head [0-9a-f]{64}`)),
    });
    const viaNode = await econsulat('node', 'audit-verify', '--config', m.config);
    expect(viaNode.stdout).toBe(verify.stdout);
  }, 120_000);

  it('fails audit verify naming the entry edited behind the triggers’ back', async () => {
    const m = await initMission();
    const raw = new Database(join(m.dir, 'mission.sqlite'));
    raw.exec('DROP TRIGGER audit_log_no_update');
    raw.prepare(`UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2`).run();
    raw.close();
    const verify = await econsulat('audit', 'verify', '--config', m.config);
    expect(verify.code).not.toBe(0);
    expect(verify.stdout).toContain('BROKEN at entry 2 (altered_entry)');
  }, 60_000);

  it('refuses a restore with another mission’s data key', async () => {
    const paris = await initMission();
    const other = await initMission();
    await econsulat('node', 'backup', '--config', paris.config, '--out', join(paris.root, 'paris.enc'));
    const target = join(paris.root, 'wrong');
    const restore = await econsulat(
      'node',
      'restore',
      '--config',
      other.config,
      '--from',
      join(paris.root, 'paris.enc'),
      '--dir',
      target,
    );
    expect(restore).toMatchObject({ code: 1, stderr: expect.stringContaining('backup_unreadable') });
    expect(restore.stderr).toContain('data key');
  }, 120_000);
});
