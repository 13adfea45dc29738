import { Transform, type TransformCallback } from 'node:stream';
import { concatBytes } from '../../protocol/index.js';
import { DEFAULT_CHUNK_BYTES, DocumentOpener, DocumentSealer } from './secretstream-codec.js';

/** Options of the document encryption functions. */
export interface DocumentCipherOptions {
  /** Plaintext bytes per secretstream chunk (default 64 KiB). */
  readonly chunkBytes?: number;
}

/**
 * Encrypts a whole scanned document held in memory. `binding` names the document (say
 * `files/<id>/passport-scan`): decrypting it under another name fails, so swapping two stored
 * documents on disk is detected.
 */
export function encryptDocument(
  key: Uint8Array,
  plaintext: Uint8Array,
  binding: string,
  options: DocumentCipherOptions = {},
): Uint8Array {
  const sealer = new DocumentSealer(key, binding, options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  return concatBytes(sealer.header, ...sealer.push(plaintext), sealer.final());
}

/** Decrypts a document encrypted by {@link encryptDocument} or the encrypting stream. */
export function decryptDocument(key: Uint8Array, ciphertext: Uint8Array, binding: string): Uint8Array {
  const opener = new DocumentOpener(key, binding);
  try {
    return concatBytes(...opener.push(ciphertext), opener.final());
  } finally {
    opener.dispose();
  }
}

/** A Transform that encrypts what is piped through it, for documents too large to hold in memory. */
export function createDocumentEncryptStream(
  key: Uint8Array,
  binding: string,
  options: DocumentCipherOptions = {},
): Transform {
  const sealer = new DocumentSealer(key, binding, options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  let isHeaderSent = false;
  return codecStream(
    (chunk) => {
      const records = sealer.push(chunk);
      if (!isHeaderSent) records.unshift(sealer.header);
      isHeaderSent = true;
      return records;
    },
    () => (isHeaderSent ? [sealer.final()] : [sealer.header, sealer.final()]),
    () => sealer.dispose(),
  );
}

/**
 * A Transform that decrypts a document. It emits plaintext chunk by chunk as each authenticates;
 * a consumer must still treat the output as void unless the stream ends without an error, because
 * truncation is only known at the end.
 */
export function createDocumentDecryptStream(key: Uint8Array, binding: string): Transform {
  const opener = new DocumentOpener(key, binding);
  return codecStream(
    (chunk) => opener.push(chunk),
    () => [opener.final()],
    () => opener.dispose(),
  );
}

function codecStream(
  onChunk: (chunk: Uint8Array) => Uint8Array[],
  onEnd: () => Uint8Array[],
  onDestroy: () => void,
): Transform {
  const emit = (stream: Transform, produce: () => Uint8Array[], callback: TransformCallback) => {
    try {
      for (const bytes of produce()) if (bytes.length > 0) stream.push(bytes);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      emit(this, () => onChunk(chunk), callback);
    },
    flush(callback) {
      emit(this, onEnd, callback);
    },
    destroy(error, callback) {
      onDestroy();
      callback(error);
    },
  });
}
