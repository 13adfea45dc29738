import { existsSync } from 'node:fs';
import { writeFileDurably } from '../../common/fs/durable-files.js';
import { ready, toBase64Url } from '../../protocol/index.js';
import {
  generateRecoveryKey,
  readRecoveryKeyFile,
  recoverySecretText,
  writeNewFile,
} from '../keys/recovery-key-file.js';

/**
 * The hub config's `offsite` section in the demo. Everything runs on 127.0.0.1, so the missions
 * may send at several MB/s: each one's first generation reaches the hub within seconds of the
 * policy, rather than the minutes a real link's default rate would take.
 */
export interface DemoOffsite {
  readonly recoveryPublicKey: string;
  readonly maxBytesPerSecond: number;
}

const DEMO_OFFSITE_BYTES_PER_SECOND = 8 * 1024 * 1024;

/**
 * The demo's recovery key: a pair made now (never shipped), its secret half written to `file`
 * (mode 0600) so that `econsulat node restore --from-hub` can be tried against the demo. A real
 * hub never holds it; here the custodian's safe is the demo's folder. A secret file already there
 * (an older demo given its key on this start) is taken as it is rather than replaced.
 */
export async function demoRecoveryKey(file: string): Promise<DemoOffsite> {
  await ready();
  const pair = existsSync(file) ? await readRecoveryKeyFile(file) : generateRecoveryKey();
  if (!existsSync(file)) await writeNewFile(file, recoverySecretText(pair), 0o600);
  return {
    recoveryPublicKey: toBase64Url(pair.publicKey),
    maxBytesPerSecond: DEMO_OFFSITE_BYTES_PER_SECOND,
  };
}

/**
 * The hub's config of a demo (hub.json, parsed), with a recovery key: one set up before off-site
 * backups existed gets its key now, written back so that the next start keeps the same one.
 */
export async function withDemoRecoveryKey(
  hubFile: string,
  config: Record<string, unknown>,
  secretFile: string,
): Promise<Record<string, unknown>> {
  const offsite = (config.offsite ?? {}) as Record<string, unknown>;
  if (typeof offsite.recoveryPublicKey === 'string') return config;
  const upgraded = { ...config, offsite: { ...offsite, ...(await demoRecoveryKey(secretFile)) } };
  await writeFileDurably(hubFile, `${JSON.stringify(upgraded, null, 2)}\n`);
  return upgraded;
}
