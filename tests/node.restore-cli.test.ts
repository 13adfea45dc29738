import { execFile } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { nodePaths } from '../node/config/config.js';
import { loadDataKey } from '../node/crypto/key-file.js';
import { openStore } from '../node/db/store.js';
import { createPeopleRepository } from '../node/services/people/people-repository.js';
import { makeTempDir } from './_util/node-store.js';

// The refusals of a restore as the IT referent meets them on the command line; each one's behaviour
// is in tests/node.restore-checks.test.ts.

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function tempDir(): Promise<string> {
  const temp = await makeTempDir('econsulat-restore-cli-');
  cleanups.push(temp.cleanup);
  return temp.dir;
}

const bin = new URL('../ops/bin/econsulat.js', import.meta.url).pathname;

/** Runs the command line; resolves with its exit code and output, whatever the code. */
function econsulat(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], (error, stdout, stderr) => {
      const code = error ? Number((error as { code?: unknown }).code ?? 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('econsulat node restore', () => {
  it('names each refusal, and lets the referent through knowingly with --older and --accept-broken-audit', async () => {
    const root = await tempDir();
    const dir = join(root, 'bangui');
    const init = await econsulat(
      ...['node', 'init', '--mission', 'cf-bangui', '--name', 'Consulat de test', '--dir', dir],
      ...['--region', 'FR', '--currency', 'EUR', '--time-zone', 'Europe/Paris'],
    );
    expect(init, init.stderr).toMatchObject({ code: 0 });
    const config = join(dir, 'node.json');
    const backup = (name: string) =>
      econsulat('node', 'backup', '--config', config, '--out', join(root, name));
    const restore = (name: string, ...flags: string[]) =>
      econsulat(
        ...['node', 'restore', '--config', config, '--from', join(root, name)],
        ...['--dir', join(root, 'restored'), ...flags],
      );

    await backup('monday.enc');
    const paths = nodePaths({ dataDir: dir });
    const store = await openStore({ path: paths.database, dataKey: await loadDataKey(paths.dataKey) });
    createPeopleRepository({ store, defaultRegion: 'FR' }).create(
      { givenNames: 'Marie', familyName: 'Bangui' },
      'agent',
    );
    store.close();
    await backup('tuesday.enc');
    expect(await restore('tuesday.enc')).toMatchObject({ code: 0 });

    const older = await restore('monday.enc', '--force');
    expect(older).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('error (older_than_restored): monday.enc is older'),
    });
    expect(older.stderr).toContain('--older');
    const back = await restore('monday.enc', '--force', '--older');
    expect(back, back.stderr).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('went back before tuesday.enc'),
    });

    // What someone editing the file directly can do: the trigger is part of the file too.
    const raw = new Database(paths.database);
    raw.exec('DROP TRIGGER audit_log_no_update');
    raw.prepare(`UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2`).run();
    raw.close();
    await backup('edited.enc');
    const broken = await restore('edited.enc', '--force');
    expect(broken).toMatchObject({ code: 1, stderr: expect.stringContaining('error (audit_broken)') });
    expect(broken.stdout).not.toMatch(/^restored /m);
    const accepted = await restore('edited.enc', '--force', '--accept-broken-audit');
    expect(accepted).toMatchObject({
      code: 1,
      stdout: expect.stringContaining('audit log BROKEN at entry 2 (altered_entry)'),
    });
    expect(accepted.stderr).toContain('--accept-broken-audit');
  }, 120_000);
});
