import { constants } from 'node:fs';
import { chmod, mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { fromBase64Url, recoveryKeyId, sodium, toBase64Url } from '../../protocol/index.js';

/**
 * The ministry's recovery key on file (protocol/PROTOCOL.md, "Off-site backups"): one JSON object,
 * short enough to print and type back. The secret file opens every mission's off-site backups; the
 * public one goes into the hub's config (`offsite.recoveryPublicKey`).
 */
const base64Key = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
const secretFileSchema = z.strictObject({
  kind: z.literal('econsulat-recovery-key'),
  recoveryKeyId: z.string().regex(/^[0-9a-f]{16}$/),
  publicKey: base64Key,
  secretKey: base64Key,
});

/** A recovery key pair, X25519 (crypto_box). */
export interface RecoveryKeyPair {
  readonly id: string;
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

/** A fresh recovery key pair. */
export function generateRecoveryKey(): RecoveryKeyPair {
  const { publicKey, privateKey } = sodium.crypto_box_keypair();
  return { id: recoveryKeyId(publicKey), publicKey, secretKey: privateKey };
}

/** The secret file's text. */
export function recoverySecretText(pair: RecoveryKeyPair): string {
  const body = {
    kind: 'econsulat-recovery-key',
    recoveryKeyId: pair.id,
    publicKey: toBase64Url(pair.publicKey),
    secretKey: toBase64Url(pair.secretKey),
  };
  return `${JSON.stringify(body)}\n`;
}

/** The public file's text. */
export function recoveryPublicText(pair: RecoveryKeyPair): string {
  const body = {
    kind: 'econsulat-recovery-public-key',
    recoveryKeyId: pair.id,
    publicKey: toBase64Url(pair.publicKey),
  };
  return `${JSON.stringify(body)}\n`;
}

/**
 * Reads a recovery secret file (what `node restore --from-hub --recovery-key` is given). Throws a
 * TypeError naming what is wrong: the key pair must match its id, or a mistyped key would open nothing.
 */
export async function readRecoveryKeyFile(path: string): Promise<RecoveryKeyPair> {
  const parsed = secretFileSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success) throw new TypeError(`${path} is not an econsulat recovery key file`);
  const publicKey = fromBase64Url(parsed.data.publicKey, 32);
  const secretKey = fromBase64Url(parsed.data.secretKey, 32);
  const derived = sodium.crypto_scalarmult_base(secretKey);
  if (
    recoveryKeyId(publicKey) !== parsed.data.recoveryKeyId ||
    toBase64Url(derived) !== toBase64Url(publicKey)
  )
    throw new TypeError(`${path}: the secret key does not match its public key or id (mistyped?)`);
  return { id: parsed.data.recoveryKeyId, publicKey, secretKey };
}

/** Writes a new file (never overwriting one) with the mode given. */
export async function writeNewFile(path: string, text: string, mode: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await chmod(path, mode);
}
