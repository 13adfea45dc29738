import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withDemoRecoveryKey } from '../ops/demo/demo-recovery-key.js';
import { readRecoveryKeyFile } from '../ops/keys/recovery-key-file.js';
import { toBase64Url } from '../protocol/index.js';

describe('the demo’s recovery key', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is given to a demo set up before off-site backups, once: the next start keeps it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'econsulat-demo-key-'));
    const hubFile = join(dir, 'hub.json');
    const secretFile = join(dir, 'recovery.secret');
    const old = { dataDir: dir, offsite: { keep: { daily: 3 } } };
    await writeFile(hubFile, JSON.stringify(old));

    const upgraded = await withDemoRecoveryKey(hubFile, old, secretFile);
    const pair = await readRecoveryKeyFile(secretFile);
    expect((await stat(secretFile)).mode & 0o777).toBe(0o600);
    expect(upgraded.offsite).toMatchObject({
      keep: { daily: 3 },
      recoveryPublicKey: toBase64Url(pair.publicKey),
    });
    expect(JSON.parse(await readFile(hubFile, 'utf8'))).toEqual(upgraded);

    const secret = await readFile(secretFile, 'utf8');
    expect(await withDemoRecoveryKey(hubFile, upgraded, secretFile)).toBe(upgraded);
    expect(await readFile(secretFile, 'utf8')).toBe(secret);
  });

  it('takes a secret file already there rather than replacing it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'econsulat-demo-key-'));
    const hubFile = join(dir, 'hub.json');
    const secretFile = join(dir, 'recovery.secret');
    const first = await withDemoRecoveryKey(hubFile, {}, secretFile);
    const second = await withDemoRecoveryKey(hubFile, {}, secretFile);
    expect(second.offsite).toEqual(first.offsite);
  });
});
