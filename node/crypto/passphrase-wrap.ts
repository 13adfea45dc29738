import { concatBytes, fromBase64Url, sodium, toBase64Url, utf8 } from '../../protocol/index.js';
import { CryptoError, CryptoErrorCode } from './errors.js';

/** First line of a data key file wrapped by a passphrase. */
export const PASSPHRASE_HEADER = 'econsulat-data-key-passphrase-v1';

/** Shortest passphrase accepted when wrapping: a stolen file meets an offline guesser with no limit. */
export const MIN_PASSPHRASE_LENGTH = 12;

/** Argon2id costs, kept in the file so that a file wrapped under other costs still opens. */
export interface WrapCost {
  readonly opslimit: number;
  readonly memlimit: number;
}

/**
 * libsodium's "moderate" costs (3 passes over 256 MiB, about a second on an embassy laptop): the
 * passphrase is typed once per start, so the cost falls on a thief's guessing, not on the agents.
 */
export const DEFAULT_WRAP_COST: WrapCost = { opslimit: 3, memlimit: 256 * 1024 * 1024 };

// Bounds on costs read from a file: a tampered file must not make the node allocate gigabytes.
const MAX_MEMLIMIT = 1024 * 1024 * 1024;
const MAX_OPSLIMIT = 16;

/**
 * The data key encrypted under a key stretched from a passphrase (Argon2id, then
 * XChaCha20-Poly1305). The header and cost line are the associated data: lowering the costs or
 * changing the salt in the file makes it fail to open instead of weakening it.
 */
export function wrapWithPassphrase(
  key: Uint8Array,
  passphrase: string,
  cost: WrapCost = DEFAULT_WRAP_COST,
): string {
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) {
    throw new CryptoError(
      CryptoErrorCode.WeakPassphrase,
      `a data key passphrase has at least ${MIN_PASSPHRASE_LENGTH} characters`,
    );
  }
  const salt = sodium.randombytes_buf(sodium.crypto_pwhash_SALTBYTES);
  const params = `argon2id13 ${cost.opslimit} ${cost.memlimit} ${toBase64Url(salt)}`;
  const wrappingKey = stretch(passphrase, salt, cost);
  const nonce = sodium.randombytes_buf(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  try {
    const sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
      key,
      associatedData(params),
      null,
      nonce,
      wrappingKey,
    );
    return `${PASSPHRASE_HEADER}\n${params}\n${toBase64Url(concatBytes(nonce, sealed))}\n`;
  } finally {
    sodium.memzero(wrappingKey);
  }
}

/** Opens a file made by {@link wrapWithPassphrase}; `wrong_passphrase` when it does not open. */
export function unwrapWithPassphrase(text: string, passphrase: string, path: string): Uint8Array {
  const [header, params, body, ...rest] = text.split('\n');
  const fields = params?.split(' ') ?? [];
  const [alg, ops, mem, saltText] = fields;
  const cost = { opslimit: Number(ops), memlimit: Number(mem) };
  if (
    header !== PASSPHRASE_HEADER ||
    params === undefined ||
    body === undefined ||
    rest.some((line) => line.trim() !== '') ||
    fields.length !== 4 ||
    alg !== 'argon2id13' ||
    !validCost(cost) ||
    saltText === undefined
  ) {
    throw new CryptoError(CryptoErrorCode.KeyFileMalformed, `${path} is not a wrapped data key file`);
  }
  let salt: Uint8Array;
  let sealed: Uint8Array;
  try {
    salt = fromBase64Url(saltText, sodium.crypto_pwhash_SALTBYTES);
    sealed = fromBase64Url(body.trim());
  } catch (cause) {
    throw new CryptoError(CryptoErrorCode.KeyFileMalformed, `${path} is not a wrapped data key file`, {
      cause,
    });
  }
  const nonceBytes = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  const wrappingKey = stretch(passphrase, salt, cost);
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      sealed.subarray(nonceBytes),
      associatedData(params),
      sealed.subarray(0, nonceBytes),
      wrappingKey,
    );
  } catch (cause) {
    throw new CryptoError(
      CryptoErrorCode.WrongPassphrase,
      `${path} does not open with this passphrase (or the file was altered)`,
      { cause },
    );
  } finally {
    sodium.memzero(wrappingKey);
  }
}

/** Refuses a passphrase too short to wrap the data key (`weak_passphrase`). */
export function assertPassphraseStrength(passphrase: string): void {
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) {
    throw new CryptoError(
      CryptoErrorCode.WeakPassphrase,
      `a data key passphrase has at least ${MIN_PASSPHRASE_LENGTH} characters`,
    );
  }
}

function stretch(passphrase: string, salt: Uint8Array, cost: WrapCost): Uint8Array {
  return sodium.crypto_pwhash(
    32,
    utf8(passphrase.normalize('NFC')),
    salt,
    cost.opslimit,
    cost.memlimit,
    sodium.crypto_pwhash_ALG_ARGON2ID13,
  );
}

function validCost(cost: WrapCost): boolean {
  return (
    Number.isSafeInteger(cost.opslimit) &&
    Number.isSafeInteger(cost.memlimit) &&
    cost.opslimit >= 1 &&
    cost.opslimit <= MAX_OPSLIMIT &&
    cost.memlimit >= 8192 &&
    cost.memlimit <= MAX_MEMLIMIT
  );
}

function associatedData(params: string): Uint8Array {
  return utf8(`${PASSPHRASE_HEADER}\n${params}`);
}
