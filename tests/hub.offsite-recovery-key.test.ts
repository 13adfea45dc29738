import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubConfigSchema } from '../hub/config/config.js';
import { offsiteSettingsOf } from '../hub/services/offsite/offsite-settings.js';
import { readRecoveryKeyFile } from '../ops/keys/recovery-key-file.js';
import { ready, sodium, utf8 } from '../protocol/index.js';
import { econsulat } from './_util/processes/econsulat-cli.js';

beforeAll(ready);

describe('the ministry’s recovery key on the command line', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('makes a key pair: the secret file 0600, the public key printed for the hub’s config', async () => {
    dir = await mkdtemp(join(tmpdir(), 'econsulat-recovery-'));
    const out = await econsulat('hub', 'recovery-key', 'create', '--out', dir);
    const pair = await readRecoveryKeyFile(join(dir, 'recovery.secret'));
    expect((await stat(join(dir, 'recovery.secret'))).mode & 0o777).toBe(0o600);
    const publicFile = JSON.parse(await readFile(join(dir, 'recovery.public'), 'utf8'));
    expect(publicFile).toEqual({
      kind: 'econsulat-recovery-public-key',
      recoveryKeyId: pair.id,
      publicKey: expect.any(String),
    });
    expect(publicFile).not.toHaveProperty('secretKey');
    expect(out).toContain(`Recovery key ${pair.id}`);
    expect(out).toContain(publicFile.publicKey);
    expect(out).toMatch(/Delete recovery\.secret from this machine/);

    // The public key printed is what the hub's config takes; what is sealed to it opens with the file.
    const config = hubConfigSchema.parse({
      dataDir: dir,
      http: {},
      mqtt: { mode: 'embedded' },
      offsite: { recoveryPublicKey: publicFile.publicKey },
    });
    const settings = offsiteSettingsOf(config.offsite);
    expect(settings?.recoveryKeyId).toBe(pair.id);
    const sealed = sodium.crypto_box_seal(
      utf8('generation keys'),
      settings?.recoveryPublicKey ?? new Uint8Array(),
    );
    expect(sodium.crypto_box_seal_open(sealed, pair.publicKey, pair.secretKey)).toEqual(
      utf8('generation keys'),
    );

    // Never over an existing key.
    await expect(econsulat('hub', 'recovery-key', 'create', '--out', dir)).rejects.toThrow();
    expect((await readRecoveryKeyFile(join(dir, 'recovery.secret'))).id).toBe(pair.id);
  });

  it('keeps off-site backups off in a config without a recovery key', () => {
    const config = hubConfigSchema.parse({ dataDir: '/tmp/x', http: {}, mqtt: { mode: 'embedded' } });
    expect(config.offsite).toMatchObject({
      maxBytesPerSecond: 262_144,
      keep: { daily: 7, weekly: 4, monthly: 6 },
    });
    expect(offsiteSettingsOf(config.offsite)).toBeUndefined();
  });
});
