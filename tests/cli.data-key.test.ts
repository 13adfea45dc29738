import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runEconsulat } from './_util/processes/econsulat-cli.js';
import { killLeftoverNodes, startNodeProcess, stopNodeProcess } from './_util/processes/node-cli.js';

const PASSPHRASE = 'le fleuve Oubangui au petit matin';
const OTHER = 'une phrase qui ne va pas du tout';
// No systemd password agent is to be asked from a test, whatever runs the suite.
const NO_AGENT = { INVOCATION_ID: undefined, CREDENTIALS_DIRECTORY: undefined };

let dir: string;
let mission: string;
let config: string;
let printed: string;

async function secretFile(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `${text}\n`, { mode: 0o600 });
  return path;
}

// These tests run the CLI (argon2id) and start a node process (whose start alone may take 60 s on
// a machine loaded by the other test worker): more than vitest's default of 60 s per test.
const NODE_STARTS_TIMEOUT = 180_000;

const withPassphrase = (file: string) => ({ ...NO_AGENT, ECONSULAT_DATA_KEY_PASSPHRASE_FILE: file });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'econsulat-cli-data-key-'));
  mission = join(dir, 'mission');
  config = join(mission, 'node.json');
  const init = await runEconsulat(
    [
      ...['node', 'init', '--mission', 'cm-yaounde', '--name', 'Ambassade à Yaoundé', '--dir', mission],
      ...['--region', 'CM', '--currency', 'XAF', '--no-tls', '--port', '0', '--data-key', 'passphrase'],
    ],
    withPassphrase(await secretFile('phrase', PASSPHRASE)),
  );
  expect(init.stderr).toBe('');
  expect(init.code).toBe(0);
  printed = init.stdout;
}, 120_000);

afterEach(killLeftoverNodes);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('node init --data-key passphrase', () => {
  it('wraps the key: the file is the wrapped form, and init says what the start will ask', async () => {
    expect(printed).toMatch(/wrapped by the passphrase/);
    expect((await readFile(join(mission, 'keys', 'data.key'), 'utf8')).split('\n')[0]).toBe(
      'econsulat-data-key-passphrase-v1',
    );
    const status = await runEconsulat(['node', 'data-key', 'status', '--config', config]);
    expect(status.stdout).toMatch(/protection {2}passphrase/);
  });

  it(
    'the node does not start without the passphrase, nor with a wrong one, and starts with it',
    async () => {
      await expect(startNodeProcess(config, 60_000, NO_AGENT)).rejects.toThrow(/passphrase_unavailable/);
      await expect(
        startNodeProcess(config, 60_000, withPassphrase(await secretFile('wrong', OTHER))),
      ).rejects.toThrow(/wrong_passphrase/);
      const node = await startNodeProcess(config, 60_000, withPassphrase(join(dir, 'phrase')));
      const health = await fetch(`${node.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await stopNodeProcess(node)).toBe(0);
    },
    NODE_STARTS_TIMEOUT,
  );

  it('refuses an unknown protection and a short passphrase, writing nothing', async () => {
    const other = join(dir, 'other');
    const base = ['node', 'init', '--mission', 'cm-douala', '--name', 'Consulat', '--dir', other];
    const unknown = await runEconsulat([...base, '--region', 'CM', '--currency', 'XAF', '--data-key', 'tpm']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown data key protection "tpm"/);
    const short = await runEconsulat(
      [...base, '--region', 'CM', '--currency', 'XAF', '--no-tls', '--data-key', 'passphrase'],
      withPassphrase(await secretFile('short', 'court')),
    );
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/weak_passphrase/);
    await expect(readdir(other)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('changes the passphrase, and writes a wrapped copy for the vault', async () => {
    const renewed = await secretFile('renewed', 'la nouvelle phrase du coffre-fort');
    const changed = await runEconsulat(
      ['node', 'data-key', 'protect', '--config', config, '--with', 'passphrase'],
      {
        ...withPassphrase(join(dir, 'phrase')),
        ECONSULAT_NEW_DATA_KEY_PASSPHRASE_FILE: renewed,
      },
    );
    expect(changed.code, changed.stderr).toBe(0);
    await expect(startNodeProcess(config, 60_000, withPassphrase(join(dir, 'phrase')))).rejects.toThrow(
      /wrong_passphrase/,
    );
    const vault = join(dir, 'vault-data.key');
    const copied = await runEconsulat(['node', 'data-key', 'copy', '--config', config, '--out', vault], {
      ...withPassphrase(renewed),
      ECONSULAT_NEW_DATA_KEY_PASSPHRASE_FILE: await secretFile(
        'vault-phrase',
        'la phrase du coffre de Bangui',
      ),
    });
    expect(copied.code, copied.stderr).toBe(0);
    expect((await readFile(vault, 'utf8')).startsWith('econsulat-data-key-passphrase-v1\n')).toBe(true);
    const again = await runEconsulat(
      ['node', 'data-key', 'copy', '--config', config, '--out', vault],
      withPassphrase(renewed),
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/exists: refusing to overwrite/);
    const node = await startNodeProcess(config, 60_000, withPassphrase(renewed));
    expect(await stopNodeProcess(node)).toBe(0);
    // Back to the first passphrase for the tests that follow.
    const restored = await runEconsulat(
      ['node', 'data-key', 'protect', '--config', config, '--with', 'passphrase'],
      {
        ...withPassphrase(renewed),
        ECONSULAT_NEW_DATA_KEY_PASSPHRASE_FILE: join(dir, 'phrase'),
      },
    );
    expect(restored.code, restored.stderr).toBe(0);
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

describe.runIf(hasSystemdCreds())('node data-key protect --with systemd-creds', () => {
  it(
    'seals the key to the machine: the node starts with no one to type a passphrase',
    async () => {
      const sealed = await runEconsulat(
        ['node', 'data-key', 'protect', '--config', config, '--with', 'systemd-creds'],
        withPassphrase(join(dir, 'phrase')),
      );
      expect(sealed.code, sealed.stderr).toBe(0);
      expect(await readdir(join(mission, 'keys'))).toContain('data.key.cred');
      expect(await readdir(join(mission, 'keys'))).not.toContain('data.key');
      const node = await startNodeProcess(config, 60_000, NO_AGENT);
      expect(await stopNodeProcess(node)).toBe(0);
      const refused = await runEconsulat([
        'node',
        'data-key',
        'copy',
        '--config',
        config,
        '--out',
        join(dir, 'x'),
        '--with',
        'systemd-creds',
      ]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/would not survive/);
    },
    NODE_STARTS_TIMEOUT,
  );
});
