import { constants } from 'node:fs';
import { chmod, mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fromBase64Url, ready, sodium, toBase64Url } from '../../protocol/index.js';
import { CryptoError, CryptoErrorCode } from './errors.js';

/** Length of the mission's data key in bytes. */
export const DATA_KEY_BYTES = 32;

// A first line names the file's purpose for the IT referent who finds it in a backup folder.
const HEADER = 'econsulat-data-key-v1';

/**
 * Creates a new random data key in a new file with mode 0600. Never overwrites: losing the data
 * key loses every encrypted field and document, so replacing it is a rotation, done on purpose.
 */
export async function createDataKeyFile(path: string): Promise<void> {
  await ready();
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new CryptoError(CryptoErrorCode.KeyFileExists, `${path} exists: refusing to replace a data key`);
    }
    throw error;
  }
  const key = sodium.randombytes_buf(DATA_KEY_BYTES);
  try {
    await handle.writeFile(`${HEADER}\n${toBase64Url(key)}\n`, 'utf8');
    await handle.sync();
  } finally {
    sodium.memzero(key);
    await handle.close();
  }
  // The umask cannot widen 0600, but a default ACL on the folder could: set the mode explicitly.
  await chmod(path, 0o600);
}

/** Reads the data key; refuses a file that the group or others can read. */
export async function loadDataKey(path: string): Promise<Uint8Array> {
  const info = await stat(path);
  if (!info.isFile()) throw malformed(`${path} is not a regular file`);
  if ((info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8);
    throw new CryptoError(
      CryptoErrorCode.KeyFileExposed,
      `${path} is readable by others (mode ${mode}): run chmod 600 on it`,
    );
  }
  const [header, encoded, ...rest] = (await readFile(path, 'utf8')).split('\n');
  if (header !== HEADER || encoded === undefined || rest.some((line) => line.trim() !== '')) {
    throw malformed(`${path} is not an e-Consulat data key file`);
  }
  try {
    return fromBase64Url(encoded.trim(), DATA_KEY_BYTES);
  } catch (cause) {
    throw new CryptoError(CryptoErrorCode.KeyFileMalformed, `${path} holds no valid key`, { cause });
  }
}

function malformed(message: string): CryptoError {
  return new CryptoError(CryptoErrorCode.KeyFileMalformed, message);
}
