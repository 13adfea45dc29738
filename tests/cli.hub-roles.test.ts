import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = new URL('../ops/bin/econsulat.js', import.meta.url).pathname;

describe('econsulat hub run --roles', () => {
  it('refuses a role it does not know before opening anything, naming the option', async () => {
    const failed = await run(process.execPath, [bin, 'hub', 'run', '--roles', 'ingest,reports']).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toMatch(/^error \(usage\): --roles: /m);
  });

  it('refuses a role named twice', async () => {
    const failed = await run(process.execPath, [bin, 'hub', 'run', '--roles', 'web, web']).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect((failed as { stderr: string }).stderr).toContain('a role is named twice');
  });
});
