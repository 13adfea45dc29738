import type { StateAddress } from 'libsodium-wrappers-sumo';
import { concatBytes, sodium, utf8 } from '../../protocol/index.js';
import { ByteQueue } from './byte-queue.js';
import { CryptoError, CryptoErrorCode } from './errors.js';

/** Version byte of an encrypted document: secretstream XChaCha20-Poly1305 in fixed-size chunks. */
export const DOCUMENT_FORMAT_V1 = 0x01;
/** Plaintext bytes per chunk unless told otherwise. */
export const DEFAULT_CHUNK_BYTES = 64 * 1024;

// Bounds the memory a hostile or corrupted header can make the reader allocate.
const MAX_CHUNK_BYTES = 16 * 1024 * 1024;
const PREFIX_BYTES = 1 + 4;
const ABYTES = 17; // crypto_secretstream_xchacha20poly1305_ABYTES
const STREAM_HEADER_BYTES = 24; // crypto_secretstream_xchacha20poly1305_HEADERBYTES

/**
 * Encrypts a document incrementally. Layout: `version (1) ‖ chunk size (4, BE) ‖ stream header (24)`
 * then records of `chunk size + 17` bytes; the last, shorter or empty, carries TAG_FINAL so that a
 * truncated file is detected. Every record authenticates the binding (what the document is) and
 * the prefix.
 */
export class DocumentSealer {
  private readonly queue = new ByteQueue();
  private readonly state: StateAddress;
  private readonly ad: Uint8Array;
  private isDone = false;
  /** The bytes to write before any record. */
  readonly header: Uint8Array;

  constructor(
    key: Uint8Array,
    binding: string,
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {
    if (!Number.isInteger(chunkBytes) || chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES) {
      throw new TypeError(`chunk size must be 1..${MAX_CHUNK_BYTES}`);
    }
    const prefix = new Uint8Array(PREFIX_BYTES);
    prefix[0] = DOCUMENT_FORMAT_V1;
    new DataView(prefix.buffer).setUint32(1, chunkBytes);
    const init = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
    this.state = init.state;
    this.ad = documentAd(binding, prefix);
    this.header = concatBytes(prefix, init.header);
  }

  /** Queues plaintext; returns the records that are complete. */
  push(plaintext: Uint8Array): Uint8Array[] {
    this.queue.append(Uint8Array.from(plaintext));
    const records: Uint8Array[] = [];
    // Strictly greater: a full chunk may be the last one, and the last one must carry TAG_FINAL.
    while (this.queue.length > this.chunkBytes) {
      records.push(
        this.seal(this.queue.take(this.chunkBytes), sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE),
      );
    }
    return records;
  }

  /** Seals what is left as the final record. The sealer cannot be used afterwards. */
  final(): Uint8Array {
    const record = this.seal(
      this.queue.take(this.queue.length),
      sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL,
    );
    this.dispose();
    return record;
  }

  /** Frees the stream state (done by final(); call it when abandoning a document half-way). */
  dispose(): void {
    if (!this.isDone) releaseState(this.state);
    this.isDone = true;
  }

  private seal(chunk: Uint8Array, tag: number): Uint8Array {
    if (this.isDone) throw new TypeError('the document is already sealed');
    return sodium.crypto_secretstream_xchacha20poly1305_push(this.state, chunk, this.ad, tag);
  }
}

/** Decrypts what {@link DocumentSealer} wrote; throws {@link CryptoError} on any alteration or truncation. */
export class DocumentOpener {
  private readonly queue = new ByteQueue();
  private state: StateAddress | undefined;
  private ad: Uint8Array | undefined;
  private recordBytes = 0;
  private isDone = false;

  constructor(
    private readonly key: Uint8Array,
    private readonly binding: string,
  ) {}

  /** Queues ciphertext; returns the plaintext of the records that are complete. */
  push(ciphertext: Uint8Array): Uint8Array[] {
    this.queue.append(Uint8Array.from(ciphertext));
    if (this.ad === undefined && this.queue.length >= PREFIX_BYTES + STREAM_HEADER_BYTES) this.start();
    const chunks: Uint8Array[] = [];
    while (this.ad !== undefined && this.queue.length > this.recordBytes) {
      const { message, tag } = this.open(this.queue.take(this.recordBytes));
      if (tag !== sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE)
        throw failed('data after the final chunk');
      chunks.push(message);
    }
    return chunks;
  }

  /** Opens the last record; throws when the document ends early. */
  final(): Uint8Array {
    if (this.ad === undefined || this.queue.length < ABYTES) throw truncated();
    const { message, tag } = this.open(this.queue.take(this.queue.length));
    this.dispose();
    if (tag !== sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL) throw truncated();
    return message;
  }

  /** Frees the stream state (done by final(); call it when abandoning a document half-way). */
  dispose(): void {
    if (!this.isDone && this.state !== undefined) releaseState(this.state);
    this.isDone = true;
  }

  private start(): void {
    const prefix = this.queue.take(PREFIX_BYTES);
    const chunkBytes = prefix.readUInt32BE(1);
    if (prefix[0] !== DOCUMENT_FORMAT_V1 || chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES) {
      throw new CryptoError(CryptoErrorCode.UnknownFormat, 'not an encrypted document of a known format');
    }
    const header = this.queue.take(STREAM_HEADER_BYTES);
    this.state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(header, this.key);
    this.ad = documentAd(this.binding, prefix);
    this.recordBytes = chunkBytes + ABYTES;
  }

  private open(record: Uint8Array): { message: Uint8Array; tag: number } {
    if (this.isDone || this.state === undefined) throw new TypeError('the document is already opened');
    const result = sodium.crypto_secretstream_xchacha20poly1305_pull(this.state, record, this.ad ?? null);
    if (result === false)
      throw failed('a chunk does not authenticate (wrong key, altered or another document)');
    return result;
  }
}

function documentAd(binding: string, prefix: Uint8Array): Uint8Array {
  return concatBytes(prefix, utf8(`econsulat/document\0${binding}`));
}

// libsodium.js allocates each secretstream state on its WebAssembly heap and never frees it: without
// this, every document would leave its state behind for the life of the process. The typings call the
// state an object; at run time it is the heap address.
function releaseState(state: StateAddress): void {
  const heap = (sodium as unknown as { libsodium?: { _free?: (address: number) => void } }).libsodium;
  const address: unknown = state;
  if (typeof address === 'number' && typeof heap?._free === 'function') heap._free(address);
}

function failed(detail: string): CryptoError {
  return new CryptoError(CryptoErrorCode.DecryptionFailed, `document does not decrypt: ${detail}`);
}

function truncated(): CryptoError {
  return new CryptoError(CryptoErrorCode.Truncated, 'encrypted document ends before its final chunk');
}
