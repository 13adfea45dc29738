import { chmod, mkdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncToDisk, writeFileDurably } from '../../common/fs/durable-files.js';
import { pathExists } from '../../common/fs/path-exists.js';
import { fromBase64Url, ready, sodium, toBase64Url } from '../../protocol/index.js';
import { CryptoError, CryptoErrorCode } from './errors.js';
import {
  PASSPHRASE_HEADER,
  unwrapWithPassphrase,
  type WrapCost,
  wrapWithPassphrase,
} from './passphrase-wrap.js';
import { openWithSystemdCreds, sealWithSystemdCreds } from './systemd-creds.js';

/** Length of the mission's data key in bytes. */
export const DATA_KEY_BYTES = 32;

// A first line names the file's purpose for the IT referent who finds it in a backup folder.
const HEADER = 'econsulat-data-key-v1';

/** The sealed form's file name is the key file's with this suffix (keys/data.key.cred). */
export const CREDENTIAL_SUFFIX = '.cred';

/**
 * How the data key is kept at rest, chosen at `node init` and changed by `node data-key protect`:
 * - `file`: in clear in a 0600 file; only full-disk encryption protects it from a thief;
 * - `passphrase`: wrapped by a passphrase typed at each start (Argon2id), so a stolen laptop, or a
 *   copy of the key file in a backup, gives nothing without it;
 * - `systemd-creds`: sealed to this machine by systemd's credential store (its TPM when there is
 *   one), opened by the service unit at start, with no one at the keyboard.
 */
export const DATA_KEY_PROTECTIONS = ['file', 'passphrase', 'systemd-creds'] as const;

/** One of {@link DATA_KEY_PROTECTIONS}. */
export type DataKeyProtection = (typeof DATA_KEY_PROTECTIONS)[number];

/** How to protect a key being written. */
export type ProtectWith =
  | { readonly kind: 'file' }
  | { readonly kind: 'passphrase'; readonly passphrase: string; readonly cost?: WrapCost }
  | { readonly kind: 'systemd-creds' };

/** What opening a protected key may need. */
export interface KeyOpening {
  /** Asked only when the key is wrapped by a passphrase. */
  readonly askPassphrase?: () => Promise<string>;
}

/**
 * Creates a new random data key, protected as asked (a 0600 file by default). Never overwrites:
 * losing the data key loses every encrypted field and document, so replacing it is a rotation,
 * done on purpose.
 */
export async function createDataKeyFile(
  path: string,
  protect: ProtectWith = { kind: 'file' },
): Promise<void> {
  await ready();
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  for (const existing of [path, credentialPath(path)]) {
    if (await pathExists(existing)) {
      throw new CryptoError(
        CryptoErrorCode.KeyFileExists,
        `${existing} exists: refusing to replace a data key`,
      );
    }
  }
  const key = sodium.randombytes_buf(DATA_KEY_BYTES);
  try {
    await writeDataKey(path, key, protect);
  } finally {
    sodium.memzero(key);
  }
}

/**
 * Writes the data key under a protection, in place of whatever form it had: the new form is
 * written durably and opened again to compare before the old one is removed, so a crash or a
 * mistyped passphrase can never leave the mission without its key.
 */
export async function writeDataKey(path: string, key: Uint8Array, protect: ProtectWith): Promise<void> {
  await ready();
  const target = protect.kind === 'systemd-creds' ? credentialPath(path) : path;
  if (protect.kind === 'systemd-creds') {
    const partial = `${target}.partial`;
    await unlinkIfPresent(partial);
    await sealWithSystemdCreds(plainText(key), partial);
    await chmod(partial, 0o600);
    await syncToDisk(partial);
    await rename(partial, target);
    await syncToDisk(dirname(target));
  } else {
    const text =
      protect.kind === 'passphrase'
        ? wrapWithPassphrase(key, protect.passphrase, protect.cost)
        : plainText(key);
    await writeFileDurably(target, text);
  }
  // The umask cannot widen 0600, but a default ACL on the folder could: set the mode explicitly.
  await chmod(target, 0o600);
  const opening = protect.kind === 'passphrase' ? { askPassphrase: async () => protect.passphrase } : {};
  const reread = await openKeyAt(target, protect.kind, opening);
  if (!sodium.memcmp(reread, key)) {
    throw new CryptoError(CryptoErrorCode.KeyFileMalformed, `${target} does not give back the key written`);
  }
  // Only now is the other form redundant; a crash before this line leaves two forms of one key.
  await unlinkIfPresent(target === path ? credentialPath(path) : path);
}

/**
 * Reads the data key, whatever its protection: a `.cred` path, or a key file path whose sealed
 * form sits beside it, is opened by systemd-creds; a wrapped file asks for its passphrase. Refuses
 * a file that the group or others can read.
 */
export async function loadDataKey(path: string, opening: KeyOpening = {}): Promise<Uint8Array> {
  await ready();
  const found = await locateDataKey(path);
  return openKeyAt(found.path, found.protection, opening);
}

/** Which file holds the data key and how it is protected. */
export async function locateDataKey(path: string): Promise<{ path: string; protection: DataKeyProtection }> {
  if (path.endsWith(CREDENTIAL_SUFFIX)) return { path, protection: 'systemd-creds' };
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const sealed = credentialPath(path);
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && (await pathExists(sealed))) {
      return { path: sealed, protection: 'systemd-creds' };
    }
    throw error;
  }
  return { path, protection: text.startsWith(`${PASSPHRASE_HEADER}\n`) ? 'passphrase' : 'file' };
}

async function openKeyAt(
  path: string,
  protection: DataKeyProtection,
  opening: KeyOpening,
): Promise<Uint8Array> {
  await assertPrivate(path);
  if (protection === 'systemd-creds') return parsePlain(await openWithSystemdCreds(path), path);
  const text = await readFile(path, 'utf8');
  if (protection === 'file') return parsePlain(text, path);
  if (!opening.askPassphrase) {
    throw new CryptoError(
      CryptoErrorCode.PassphraseUnavailable,
      `${path} is protected by a passphrase: start from a terminal, or name a file holding it in ECONSULAT_DATA_KEY_PASSPHRASE_FILE`,
    );
  }
  const key = unwrapWithPassphrase(text, await opening.askPassphrase(), path);
  if (key.length !== DATA_KEY_BYTES) throw malformed(`${path} holds no valid key`);
  return key;
}

async function assertPrivate(path: string): Promise<void> {
  const info = await stat(path);
  if (!info.isFile()) throw malformed(`${path} is not a regular file`);
  if ((info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8);
    throw new CryptoError(
      CryptoErrorCode.KeyFileExposed,
      `${path} is readable by others (mode ${mode}): run chmod 600 on it`,
    );
  }
}

function plainText(key: Uint8Array): string {
  return `${HEADER}\n${toBase64Url(key)}\n`;
}

function parsePlain(text: string, path: string): Uint8Array {
  const [header, encoded, ...rest] = text.split('\n');
  if (header !== HEADER || encoded === undefined || rest.some((line) => line.trim() !== '')) {
    throw malformed(`${path} is not an e-Consulat data key file`);
  }
  try {
    return fromBase64Url(encoded.trim(), DATA_KEY_BYTES);
  } catch (cause) {
    throw new CryptoError(CryptoErrorCode.KeyFileMalformed, `${path} holds no valid key`, { cause });
  }
}

/** The sealed form's path beside a key file path. */
export function credentialPath(path: string): string {
  return `${path}${CREDENTIAL_SUFFIX}`;
}

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function malformed(message: string): CryptoError {
  return new CryptoError(CryptoErrorCode.KeyFileMalformed, message);
}
