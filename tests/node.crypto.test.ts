import { randomBytes } from 'node:crypto';
import { chmod, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  blindIndex,
  idNumberIndex,
  normaliseIdNumber,
  normalisePhone,
  phoneIndex,
} from '../node/crypto/blind-index.js';
import { deriveDataKeys } from '../node/crypto/data-keys.js';
import {
  createDocumentDecryptStream,
  createDocumentEncryptStream,
  decryptDocument,
  encryptDocument,
} from '../node/crypto/document-cipher.js';
import { decryptField, encryptField } from '../node/crypto/field-cipher.js';
import { createDataKeyFile, loadDataKey } from '../node/crypto/key-file.js';
import { ready, sodium } from '../protocol/index.js';
import { makeTempDir } from './_util/node-store.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
beforeAll(() => ready());

async function tempDir(): Promise<string> {
  const temp = await makeTempDir();
  cleanups.push(temp.cleanup);
  return temp.dir;
}

const randomKey = () => sodium.randombytes_buf(32);
const binding = { table: 'people', column: 'family_name_enc', rowId: 'person-1' };

describe('node crypto: the data key file', () => {
  it('creates a 32-byte key in a file of mode 0600', async () => {
    const path = join(await tempDir(), 'keys', 'data.key');
    await createDataKeyFile(path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await loadDataKey(path)).toHaveLength(32);
  });

  it('refuses to overwrite an existing key file', async () => {
    const path = join(await tempDir(), 'data.key');
    await createDataKeyFile(path);
    const before = await readFile(path, 'utf8');
    await expect(createDataKeyFile(path)).rejects.toMatchObject({ code: 'key_file_exists' });
    expect(await readFile(path, 'utf8')).toBe(before);
  });

  it('refuses to load a key file that the group or others can read', async () => {
    const path = join(await tempDir(), 'data.key');
    await createDataKeyFile(path);
    await chmod(path, 0o640);
    await expect(loadDataKey(path)).rejects.toMatchObject({ code: 'key_file_exposed' });
  });

  it('derives distinct subkeys, the same ones for the same data key', () => {
    const dataKey = randomKey();
    const keys = deriveDataKeys(dataKey);
    const all = [keys.field, keys.index, keys.document, keys.backup, keys.audit].map((k) =>
      Buffer.from(k).toString('hex'),
    );
    expect(new Set(all).size).toBe(5);
    expect(deriveDataKeys(dataKey)).toEqual(keys);
  });
});

describe('node crypto: personal fields', () => {
  it('decrypts a field where it was written', () => {
    const key = randomKey();
    const stored = encryptField(key, 'Ngaïkoumon', binding);
    expect(stored[0]).toBe(1);
    expect(decryptField(key, stored, binding)).toBe('Ngaïkoumon');
  });

  it('refuses a ciphertext moved to another row or column', () => {
    const key = randomKey();
    const stored = encryptField(key, 'Ngaïkoumon', binding);
    expect(() => decryptField(key, stored, { ...binding, rowId: 'person-2' })).toThrow(
      expect.objectContaining({ code: 'decryption_failed' }),
    );
    expect(() => decryptField(key, stored, { ...binding, column: 'given_names_enc' })).toThrow(
      /does not decrypt/,
    );
  });

  it('refuses the wrong key and an altered byte', () => {
    const key = randomKey();
    const stored = encryptField(key, 'Ngaïkoumon', binding);
    expect(() => decryptField(randomKey(), stored, binding)).toThrow(
      expect.objectContaining({ code: 'decryption_failed' }),
    );
    const altered = Uint8Array.from(stored);
    altered[altered.length - 1] = (altered[altered.length - 1] ?? 0) ^ 1;
    expect(() => decryptField(key, altered, binding)).toThrow(
      expect.objectContaining({ code: 'decryption_failed' }),
    );
  });

  it('refuses an unknown format version', () => {
    const key = randomKey();
    const stored = encryptField(key, 'x', binding);
    stored[0] = 9;
    expect(() => decryptField(key, stored, binding)).toThrow(
      expect.objectContaining({ code: 'unknown_format' }),
    );
  });
});

describe('node crypto: blind indexes', () => {
  it('normalises phone numbers to E.164 in the host country', () => {
    expect(normalisePhone('+33 6 12 34 56 78')).toBe('+33612345678');
    expect(normalisePhone('06 12 34 56 78', 'FR')).toBe('+33612345678');
    expect(normalisePhone('+236 75 12 34 56')).toBe('+23675123456');
    expect(normalisePhone('12', 'FR')).toBeUndefined();
  });

  it('gives one index for one phone number however it is written', () => {
    const key = randomKey();
    const forms = ['+33 6 12 34 56 78', '0612345678', '06.12.34.56.78', '+33612345678'];
    const indexes = forms.map((form) => Buffer.from(phoneIndex(key, form, 'FR') ?? []).toString('hex'));
    expect(new Set(indexes).size).toBe(1);
  });

  it('normalises ID numbers: upper case, without spaces or dashes', () => {
    expect(normaliseIdNumber(' ab 12-345 ')).toBe('AB12345');
    const key = randomKey();
    expect(idNumberIndex(key, 'ab 12-345')).toEqual(idNumberIndex(key, 'AB12345'));
  });

  it('depends on the key and on the kind of value', () => {
    const key = randomKey();
    expect(blindIndex(key, 'phone', 'X1')).not.toEqual(blindIndex(randomKey(), 'phone', 'X1'));
    expect(blindIndex(key, 'phone', 'X1')).not.toEqual(blindIndex(key, 'id_number', 'X1'));
  });
});

describe('node crypto: documents', () => {
  const scan = (size: number) => new Uint8Array(randomBytes(size));

  it.each([0, 1, 100, 256, 1000])('round-trips a document of %i bytes in 100-byte chunks', (size) => {
    const key = randomKey();
    const plain = scan(size);
    const sealed = encryptDocument(key, plain, 'files/F1/scan', { chunkBytes: 100 });
    expect(decryptDocument(key, sealed, 'files/F1/scan')).toEqual(plain);
  });

  it('refuses the wrong key, another document name and an altered byte', () => {
    const key = randomKey();
    const sealed = encryptDocument(key, scan(500), 'files/F1/scan', { chunkBytes: 100 });
    expect(() => decryptDocument(randomKey(), sealed, 'files/F1/scan')).toThrow(
      expect.objectContaining({ code: 'decryption_failed' }),
    );
    expect(() => decryptDocument(key, sealed, 'files/F2/scan')).toThrow(
      expect.objectContaining({ code: 'decryption_failed' }),
    );
    const altered = Uint8Array.from(sealed);
    altered[200] = (altered[200] ?? 0) ^ 1;
    expect(() => decryptDocument(key, altered, 'files/F1/scan')).toThrow(
      expect.objectContaining({ code: 'decryption_failed' }),
    );
  });

  it('detects a document cut short, even at a chunk boundary', () => {
    const key = randomKey();
    const sealed = encryptDocument(key, scan(500), 'd', { chunkBytes: 100 });
    const prefix = 1 + 4 + 24;
    const atBoundary = sealed.subarray(0, prefix + 3 * 117);
    expect(() => decryptDocument(key, atBoundary, 'd')).toThrow(
      expect.objectContaining({ code: 'truncated' }),
    );
    expect(() => decryptDocument(key, sealed.subarray(0, sealed.length - 5), 'd')).toThrow();
    expect(() => decryptDocument(key, sealed.subarray(0, 10), 'd')).toThrow(
      expect.objectContaining({ code: 'truncated' }),
    );
  });

  it('encrypts and decrypts a stream fed in uneven pieces', async () => {
    const key = randomKey();
    const plain = randomBytes(300_000);
    const pieces = [0, 7, 65_536, 65_537, 200_000, 300_000].map((end, i, ends) =>
      plain.subarray(ends[i - 1] ?? 0, end),
    );
    const sealed = await buffer(
      Readable.from(pieces.map((p) => Buffer.from(p))).pipe(createDocumentEncryptStream(key, 'big')),
    );
    expect(Buffer.from(decryptDocument(key, sealed, 'big')).equals(plain)).toBe(true);
    const back: Buffer[] = [];
    await pipeline(
      Readable.from([sealed.subarray(0, 3), sealed.subarray(3, 70_000), sealed.subarray(70_000)]),
      createDocumentDecryptStream(key, 'big'),
      async (source: AsyncIterable<Buffer>) => {
        for await (const chunk of source) back.push(chunk);
      },
    );
    expect(Buffer.concat(back).equals(plain)).toBe(true);
  });

  it('fails the decrypting stream on a truncated document', async () => {
    const key = randomKey();
    const sealed = encryptDocument(key, scan(1000), 'd', { chunkBytes: 100 });
    const cut = Buffer.from(sealed.subarray(0, 1 + 4 + 24 + 117 * 4));
    await expect(
      buffer(Readable.from([cut]).pipe(createDocumentDecryptStream(key, 'd'))),
    ).rejects.toMatchObject({
      code: 'truncated',
    });
  });
});
