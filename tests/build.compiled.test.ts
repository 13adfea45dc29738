import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const compiled = { ...process.env, ECONSULAT_RUNTIME: 'compiled' };

describe('the compiled production runtime (npm run build)', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('builds dist/ and runs the command line from it, migrations and templates included', async () => {
    await run(process.execPath, ['ops/build/build.mjs'], { cwd: root, timeout: 120_000 });
    dir = await mkdtemp(join(tmpdir(), 'econsulat-compiled-'));
    const bin = join(root, 'ops/bin/econsulat.js');
    const init = await run(
      process.execPath,
      [
        bin,
        'node',
        'init',
        '--mission',
        'ml-bamako',
        '--name',
        'Ambassade à Bamako',
        '--dir',
        dir,
        '--region',
        'ML',
        '--currency',
        'XOF',
      ],
      { cwd: root, env: compiled, timeout: 120_000 },
    );
    expect(init.stdout).toContain('mission ml-bamako created');
    expect((await stat(join(dir, 'mission.sqlite'))).size).toBeGreaterThan(0);
    const audit = await run(process.execPath, [bin, 'audit', 'verify', '--config', join(dir, 'node.json')], {
      cwd: root,
      env: compiled,
    });
    expect(audit.stdout).toMatch(/OK/);
  }, 240_000);
});
