import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Identity, ready } from '../../protocol/index.js';
import { readKeyFile, writeKeyFile } from './key-file.js';

describe('identity key files', () => {
  let dir: string;
  beforeAll(ready);
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes a key file with mode 0600 that reads back to the same identity', async () => {
    dir = await mkdtemp(join(tmpdir(), 'econsulat-keys-'));
    const path = join(dir, 'keys', 'mission.key');
    const identity = Identity.generate('fr-paris');
    await writeKeyFile(path, identity);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const back = await readKeyFile(path);
    expect(back.keyId).toBe(identity.keyId);
    expect(back.partyId).toBe('fr-paris');
  });

  it('refuses to overwrite an existing key file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'econsulat-keys-'));
    const path = join(dir, 'hub.key');
    await writeKeyFile(path, Identity.generate('hub'));
    const before = await readFile(path, 'utf8');
    await expect(writeKeyFile(path, Identity.generate('hub'))).rejects.toThrow(/EEXIST/);
    expect(await readFile(path, 'utf8')).toBe(before);
  });

  it('refuses to read a key file that others can read', async () => {
    dir = await mkdtemp(join(tmpdir(), 'econsulat-keys-'));
    const path = join(dir, 'hub.key');
    await writeKeyFile(path, Identity.generate('hub'));
    await chmod(path, 0o644);
    await expect(readKeyFile(path)).rejects.toThrow(/readable by others/);
  });

  it('refuses a file that is not an identity', async () => {
    dir = await mkdtemp(join(tmpdir(), 'econsulat-keys-'));
    const path = join(dir, 'junk.key');
    await writeFile(path, '{"hello":"world"}', { mode: 0o600 });
    await expect(readKeyFile(path)).rejects.toThrow(TypeError);
  });
});
