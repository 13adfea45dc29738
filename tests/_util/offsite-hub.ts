import {
  chunkAddress,
  type Identity,
  joinAddresses,
  type OffsiteManifest,
  recoveryKeyId,
  signOffsiteManifest,
  sodium,
  toBase64Url,
} from '../../protocol/index.js';

/** The ministry's recovery key pair, as `econsulat hub recovery-key create` makes it. */
export function recoveryKeyPair() {
  const { publicKey, privateKey } = sodium.crypto_box_keypair();
  return { publicKey, secretKey: privateKey, id: recoveryKeyId(publicKey) };
}

/** A mission's generation as its node would ship it: sealed chunks and the signed manifest. */
export interface SealedGeneration {
  readonly manifest: OffsiteManifest;
  /** The sealed chunks, the sealed manifest's first. */
  readonly chunks: Uint8Array[];
  /** The key the chunks are sealed under (a node derives it from its data key). */
  readonly dataKey: Uint8Array;
}

/**
 * Seals `pieces` under a data key (XSalsa20-Poly1305 with a nonce derived from the piece, so that an
 * unchanged piece seals to the same bytes, as the node's do) and signs the manifest naming them,
 * the data key sealed to the recovery key. The hub's tests need no node: this is what one sends.
 */
export function sealGeneration(options: {
  mission: Identity;
  generation: number;
  recoveryPublicKey: Uint8Array;
  pieces: readonly Uint8Array[];
  dataKey?: Uint8Array;
  missionId?: string;
  createdAt?: string;
}): SealedGeneration {
  const dataKey = options.dataKey ?? sodium.crypto_secretbox_keygen();
  const chunks = options.pieces.map((piece) => sealPiece(piece, dataKey));
  const addresses = chunks.map(chunkAddress);
  const manifest = signOffsiteManifest(
    {
      missionId: options.missionId ?? options.mission.partyId,
      generation: options.generation,
      createdAt: options.createdAt ?? new Date().toISOString(),
      recoveryKeyId: recoveryKeyId(options.recoveryPublicKey),
      keyEnvelope: toBase64Url(sodium.crypto_box_seal(dataKey, options.recoveryPublicKey)),
      manifestChunks: joinAddresses(addresses.slice(0, 1)),
      chunks: joinAddresses(addresses),
      bytes: chunks.reduce((sum, chunk) => sum + chunk.length, 0),
    },
    options.mission,
  );
  return { manifest, chunks, dataKey };
}

/** `count` random pieces of `size` bytes. */
export function randomPieces(count: number, size = 2000): Uint8Array[] {
  return Array.from({ length: count }, () => sodium.randombytes_buf(size));
}

function sealPiece(piece: Uint8Array, key: Uint8Array): Uint8Array {
  const nonce = sodium.crypto_generichash(sodium.crypto_secretbox_NONCEBYTES, piece, key);
  const sealed = sodium.crypto_secretbox_easy(piece, nonce, key);
  const out = new Uint8Array(nonce.length + sealed.length);
  out.set(nonce);
  out.set(sealed, nonce.length);
  return out;
}

/** Opens a sealed piece with the data key; null when the key is not the one. */
export function openPiece(chunk: Uint8Array, key: Uint8Array): Uint8Array | null {
  const nonce = chunk.subarray(0, sodium.crypto_secretbox_NONCEBYTES);
  try {
    return sodium.crypto_secretbox_open_easy(chunk.subarray(nonce.length), nonce, key);
  } catch {
    return null;
  }
}
