import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { z } from 'zod';
import { readHiddenLine } from '../../common/tty/hidden-line.js';
import { type OffsiteRestoreResult, restoreFromOffsite } from '../../node/backup/offsite/restore-offsite.js';
import { type NodeConfig, nodeConfigSchema } from '../../node/config/config.js';
import { fromBase64Url, ready, toBase64Url } from '../../protocol/index.js';
import { readRecoveryKeyFile } from '../keys/recovery-key-file.js';
import { progressBar } from './progress-bar.js';
import { UsageError } from './usage-error.js';

/** What `node restore --from-hub` takes. */
export interface HubRestoreOptions {
  readonly hub: string;
  readonly mission: string;
  readonly recoveryKey: string;
  readonly dir: string;
  readonly generation?: string;
  readonly config?: string;
  readonly force?: boolean;
  readonly older?: boolean;
  readonly acceptBrokenAudit?: boolean;
  readonly acceptMissingScans?: boolean;
}

/** Names a file holding a hub session token, for a restore run by a script. */
export const HUB_TOKEN_FILE_ENV = 'ECONSULAT_HUB_TOKEN_FILE';

const generationsSchema = z.object({
  generations: z.array(
    z.object({ generation: z.int(), state: z.string(), completedAt: z.string().nullable() }),
  ),
});
const generationSchema = z.object({
  manifest: z.record(z.string(), z.unknown()),
  signingKey: z.object({ signPublicKey: z.string() }),
  state: z.string(),
});
const loginSchema = z.object({ token: z.string() });

/**
 * Rebuilds a mission on this machine from its off-site backup at HQ: the hub serves the signed
 * manifest and the sealed chunks to a ministry user allowed to restore (`offsite.restore`); the
 * ministry's recovery key, brought by its custodian, opens them here. The hub never sees the key.
 */
export async function restoreFromHubCommand(options: HubRestoreOptions): Promise<void> {
  await ready();
  const recovery = await readRecoveryKeyFile(resolve(options.recoveryKey)).catch((error: Error) => {
    throw new UsageError(error.message, { cause: error });
  });
  const hub = hubClient(options.hub, await hubToken(options.hub));
  const mission = encodeURIComponent(options.mission);
  const generation = options.generation ?? String(await latestStored(hub, mission));
  const found = generationSchema.parse(
    await hub.json(`/api/v1/missions/${mission}/offsite-backups/${generation}`),
  );
  if (found.state !== 'stored') {
    throw new UsageError(
      `generation ${generation} is not complete at the hub (${found.state}): choose a stored one`,
    );
  }
  const dir = resolve(options.dir);
  const bar = progressBar();
  let result: OffsiteRestoreResult;
  try {
    result = await restoreFromOffsite({
      fetchChunk: (address) =>
        hub.bytes(`/api/v1/missions/${mission}/offsite-chunks/${toBase64Url(address)}`),
      manifest: found.manifest,
      expectedMissionId: options.mission,
      recoveryPublicKey: recovery.publicKey,
      recoverySecretKey: recovery.secretKey,
      missionSignPublicKey: fromBase64Url(found.signingKey.signPublicKey, 32),
      dir,
      force: options.force,
      allowOlder: options.older,
      acceptBrokenAudit: options.acceptBrokenAudit,
      acceptMissingScans: options.acceptMissingScans,
      onProgress: (progress) => bar.listener({ ...progress, unit: 'chunks' }),
    });
  } finally {
    bar.stop();
  }
  process.stdout.write(
    [
      `restored off-site generation ${result.generation} of ${result.missionId} into ${dir}`,
      `  database            ${result.database}`,
      `  scanned documents   ${result.documents.restored}`,
      `  keys                keys/data.key (a plain 0600 file: protect it, see below), keys/identity.key`,
      ...(result.siteFiles.length > 0 ? [`  HTTPS files         ${result.siteFiles.join(', ')}`] : []),
      '',
    ].join('\n'),
  );
  await writeRestoredConfig(result, dir, options.config);
  process.stdout.write(
    [
      'Next:',
      `  econsulat node data-key protect --config ${join(dir, 'node.json')} --with passphrase   (or systemd-creds)`,
      `  econsulat node run --config ${join(dir, 'node.json')}   (it rejoins the hub and catches up by itself)`,
      '',
    ].join('\n'),
  );
}

/** The newest stored generation the hub holds for the mission. */
async function latestStored(hub: HubClient, mission: string): Promise<number> {
  const { generations } = generationsSchema.parse(
    await hub.json(`/api/v1/missions/${mission}/offsite-backups`),
  );
  const stored = generations.filter((entry) => entry.state === 'stored').map((entry) => entry.generation);
  if (stored.length === 0) throw new UsageError('the hub holds no complete off-site backup of this mission');
  return Math.max(...stored);
}

/**
 * The config of the restored node: the one given, or the one sealed in the generation, with the
 * data directory pointed here. An existing node.json in the directory is left as it is.
 */
async function writeRestoredConfig(result: OffsiteRestoreResult, dir: string, given?: string): Promise<void> {
  const text = given ? await readFile(resolve(given), 'utf8') : result.nodeConfig;
  if (text === undefined) {
    process.stdout.write(
      'the generation holds no node.json: give one with --config (the copy in the vault)\n',
    );
    return;
  }
  const config: NodeConfig = nodeConfigSchema.parse({ ...JSON.parse(text), dataDir: dir });
  const file = join(dir, 'node.json');
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600, flag: 'wx' }).then(
    () => process.stdout.write(`wrote ${file}\n`),
    (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
      process.stdout.write(`${file} exists: left as it is\n`);
    },
  );
}

interface HubClient {
  json(path: string): Promise<unknown>;
  bytes(path: string): Promise<Uint8Array | undefined>;
}

/** A path of the hub's API under the address given, which may carry a prefix (`https://x/hub/`). */
export function hubUrl(base: string, path: string): string {
  return new URL(path.replace(/^\/+/, ''), base.endsWith('/') ? base : `${base}/`).toString();
}

function hubClient(base: string, token: string): HubClient {
  const url = (path: string) => hubUrl(base, path);
  const headers = { authorization: `Bearer ${token}` };
  return {
    async json(path) {
      const response = await fetch(url(path), { headers });
      if (!response.ok) throw await hubRefusal(response, path);
      return response.json();
    },
    async bytes(path) {
      const response = await fetch(url(path), { headers });
      // A chunk the hub does not hold is the restore's to name (offsite_chunk_missing).
      if (response.status === 404) return undefined;
      if (!response.ok) throw await hubRefusal(response, path);
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}

async function hubRefusal(response: Response, path: string): Promise<UsageError> {
  const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  const reason = body.error ? `${body.error.code}: ${body.error.message}` : response.statusText;
  return new UsageError(`the hub answered ${response.status} to ${path} (${reason})`);
}

/**
 * A hub session for the restore: from the file named in ECONSULAT_HUB_TOKEN_FILE, or by logging in
 * at the terminal (a ministry user allowed to restore: username, password, authenticator code).
 */
async function hubToken(base: string): Promise<string> {
  const file = process.env[HUB_TOKEN_FILE_ENV];
  if (file) return (await readFile(file, 'utf8')).trim();
  if (!process.stdin.isTTY) {
    throw new UsageError(
      `log in at a terminal, or name a file holding a hub session token in ${HUB_TOKEN_FILE_ENV}`,
    );
  }
  const lines = createInterface({ input: process.stdin, output: process.stderr });
  const username = await lines.question('Hub username: ');
  lines.close();
  const password = await readHiddenLine(process.stdin, process.stderr, 'Password: ');
  const code = await readHiddenLine(process.stdin, process.stderr, 'Authenticator code: ');
  const response = await fetch(hubUrl(base, '/api/v1/auth/login'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password, totp: code }),
  });
  if (!response.ok) throw await hubRefusal(response, '/api/v1/auth/login');
  return loginSchema.parse(await response.json()).token;
}
