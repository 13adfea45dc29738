import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { askPassphrase } from '../node/config/passphrase.js';
import {
  createDataKeyFile,
  credentialPath,
  loadDataKey,
  locateDataKey,
  writeDataKey,
} from '../node/crypto/key-file.js';
import { DATA_KEY_CREDENTIAL, sealWithSystemdCreds } from '../node/crypto/systemd-creds.js';
import { ready, toBase64Url } from '../protocol/index.js';

// Cheap Argon2id costs: these tests are about the format and the refusals, not the cost.
const CHEAP = { opslimit: 1, memlimit: 8 * 1024 * 1024 };
const PASSPHRASE = 'la pirogue de Bangui rentre au port';

let dir: string;
let path: string;

beforeAll(ready);
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'econsulat-data-key-'));
  path = join(dir, 'keys', 'data.key');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const modeOf = async (file: string) => (await stat(file)).mode & 0o777;
const withPassphrase = (passphrase: string) => ({ askPassphrase: async () => passphrase });

/** Whether the key's bytes, raw or in the base64url of a plain key file, are anywhere in the file. */
async function holdsKey(file: string, key: Uint8Array): Promise<boolean> {
  const bytes = await readFile(file);
  return bytes.includes(Buffer.from(key)) || bytes.toString('latin1').includes(toBase64Url(key));
}

describe('data key wrapped by a passphrase', () => {
  it('the scan finds a key left in clear (a planted plain key file)', async () => {
    await createDataKeyFile(path);
    expect(await holdsKey(path, await loadDataKey(path))).toBe(true);
  });

  it('opens with its passphrase only, and holds the key in no readable form', async () => {
    await createDataKeyFile(path, { kind: 'passphrase', passphrase: PASSPHRASE, cost: CHEAP });
    expect(await modeOf(path)).toBe(0o600);
    expect((await locateDataKey(path)).protection).toBe('passphrase');
    const key = await loadDataKey(path, withPassphrase(PASSPHRASE));
    expect(key).toHaveLength(32);
    expect(await holdsKey(path, key)).toBe(false);

    await expect(loadDataKey(path, withPassphrase('une autre phrase de passe'))).rejects.toMatchObject({
      code: 'wrong_passphrase',
    });
    await expect(loadDataKey(path)).rejects.toMatchObject({ code: 'passphrase_unavailable' });
  });

  it('refuses a short passphrase and writes nothing', async () => {
    await expect(
      createDataKeyFile(path, { kind: 'passphrase', passphrase: 'court', cost: CHEAP }),
    ).rejects.toMatchObject({
      code: 'weak_passphrase',
    });
    expect(await readdir(join(dir, 'keys'))).toEqual([]);
  });

  it('does not open once its costs are lowered in the file (they are authenticated)', async () => {
    await createDataKeyFile(path, {
      kind: 'passphrase',
      passphrase: PASSPHRASE,
      cost: { ...CHEAP, opslimit: 2 },
    });
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace('argon2id13 2 ', 'argon2id13 1 '), { mode: 0o600 });
    await expect(loadDataKey(path, withPassphrase(PASSPHRASE))).rejects.toMatchObject({
      code: 'wrong_passphrase',
    });
  });

  it('refuses costs that would make the node allocate without bound', async () => {
    await createDataKeyFile(path, { kind: 'passphrase', passphrase: PASSPHRASE, cost: CHEAP });
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace(` ${CHEAP.memlimit} `, ' 68719476736 '), { mode: 0o600 });
    await expect(loadDataKey(path, withPassphrase(PASSPHRASE))).rejects.toMatchObject({
      code: 'key_file_malformed',
    });
  });

  it('refuses a wrapped key file the group or others can read', async () => {
    await createDataKeyFile(path, { kind: 'passphrase', passphrase: PASSPHRASE, cost: CHEAP });
    await chmod(path, 0o640);
    await expect(loadDataKey(path, withPassphrase(PASSPHRASE))).rejects.toMatchObject({
      code: 'key_file_exposed',
    });
  });

  it('rewraps the same key under a new passphrase, and back to a plain file', async () => {
    await createDataKeyFile(path);
    const key = await loadDataKey(path);
    await writeDataKey(path, key, { kind: 'passphrase', passphrase: PASSPHRASE, cost: CHEAP });
    expect(await loadDataKey(path, withPassphrase(PASSPHRASE))).toEqual(key);
    const renewed = 'une nouvelle phrase pour le coffre';
    await writeDataKey(path, key, { kind: 'passphrase', passphrase: renewed, cost: CHEAP });
    await expect(loadDataKey(path, withPassphrase(PASSPHRASE))).rejects.toMatchObject({
      code: 'wrong_passphrase',
    });
    expect(await loadDataKey(path, withPassphrase(renewed))).toEqual(key);
    await writeDataKey(path, key, { kind: 'file' });
    expect(await loadDataKey(path)).toEqual(key);
    expect(await readdir(join(dir, 'keys'))).toEqual(['data.key']);
  });
});

describe('where the passphrase comes from', () => {
  it('reads it from the file named in the environment, without its final newline', async () => {
    const file = join(dir, 'phrase');
    await writeFile(file, `${PASSPHRASE}\n`, { mode: 0o600 });
    const env = { ECONSULAT_DATA_KEY_PASSPHRASE_FILE: file };
    expect(await askPassphrase('?', { env })).toBe(PASSPHRASE);
    await chmod(file, 0o644);
    await expect(askPassphrase('?', { env })).rejects.toMatchObject({ code: 'key_file_exposed' });
  });

  it('without a terminal, a file or systemd, says how to give it instead of waiting', async () => {
    await expect(askPassphrase('?', { env: {} })).rejects.toMatchObject({ code: 'passphrase_unavailable' });
  });
});

describe('systemd-creds refusing before it reads', () => {
  it('reports its reason, and the broken pipe it leaves is no crash', async () => {
    // A stand-in that refuses at once, as systemd-creds does without a host key: the input it never
    // reads (larger than a pipe holds) breaks the pipe under the writer.
    const bin = join(dir, 'bin');
    await mkdir(bin);
    await writeFile(
      join(bin, 'systemd-creds'),
      '#!/bin/sh\necho "no host key on this machine" >&2\nexit 1\n',
      {
        mode: 0o755,
      },
    );
    const previous = process.env.PATH;
    process.env.PATH = `${bin}:${previous ?? ''}`;
    try {
      await expect(
        sealWithSystemdCreds('k'.repeat(1 << 20), join(dir, 'data.key.cred')),
      ).rejects.toMatchObject({
        code: 'credential_failed',
        message: expect.stringContaining('no host key on this machine'),
      });
    } finally {
      process.env.PATH = previous;
    }
  });
});

function hasSystemdCreds(): boolean {
  try {
    execFileSync('systemd-creds', ['--version'], { stdio: 'ignore' });
    return process.getuid?.() === 0;
  } catch {
    return false;
  }
}

describe.runIf(hasSystemdCreds())('data key sealed by systemd-creds', () => {
  it('replaces the clear file by a sealed one that opens on this machine', async () => {
    await createDataKeyFile(path);
    const key = await loadDataKey(path);
    await writeDataKey(path, key, { kind: 'systemd-creds' });
    expect(await readdir(join(dir, 'keys'))).toEqual(['data.key.cred']);
    expect(await modeOf(credentialPath(path))).toBe(0o600);
    expect(await holdsKey(credentialPath(path), key)).toBe(false);
    expect(await locateDataKey(path)).toEqual({ path: credentialPath(path), protection: 'systemd-creds' });
    expect(await loadDataKey(path)).toEqual(key);
  });

  it('under the service unit, reads what systemd decrypted into the credentials folder', async () => {
    await createDataKeyFile(path, { kind: 'systemd-creds' });
    const sealed = credentialPath(path);
    const key = await loadDataKey(sealed);
    // What LoadCredentialEncrypted= does before the service starts.
    const folder = join(dir, 'credentials');
    await mkdir(folder, { mode: 0o700 });
    execFileSync('systemd-creds', [
      'decrypt',
      `--name=${DATA_KEY_CREDENTIAL}`,
      sealed,
      join(folder, DATA_KEY_CREDENTIAL),
    ]);
    await chmod(join(folder, DATA_KEY_CREDENTIAL), 0o400);
    await rm(sealed);
    await writeFile(sealed, 'not a credential', { mode: 0o600 });
    const previous = process.env.CREDENTIALS_DIRECTORY;
    process.env.CREDENTIALS_DIRECTORY = folder;
    try {
      expect(await loadDataKey(path)).toEqual(key);
    } finally {
      if (previous === undefined) delete process.env.CREDENTIALS_DIRECTORY;
      else process.env.CREDENTIALS_DIRECTORY = previous;
    }
  });

  it('refuses a sealed file that is not the data key credential', async () => {
    await mkdir(join(dir, 'keys'), { mode: 0o700 });
    execFileSync('systemd-creds', ['encrypt', '--name=another-name', '-', credentialPath(path)], {
      input: 'x',
    });
    await chmod(credentialPath(path), 0o600);
    await expect(loadDataKey(path)).rejects.toMatchObject({ code: 'credential_failed' });
  });

  it('never replaces an existing key, in either form', async () => {
    await createDataKeyFile(path, { kind: 'systemd-creds' });
    await expect(createDataKeyFile(path)).rejects.toMatchObject({ code: 'key_file_exists' });
    await expect(createDataKeyFile(path, { kind: 'systemd-creds' })).rejects.toMatchObject({
      code: 'key_file_exists',
    });
  });
});
