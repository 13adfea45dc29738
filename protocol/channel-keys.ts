import { concatBytes, utf8 } from './encoding.js';
import type { Identity, PublicIdentity } from './keys.js';
import { sodium } from './sodium.js';

const CHANNEL_KEY_CONTEXT = utf8('econsulat/v1/channel-keys');

/** The two symmetric keys of one direction of a channel. */
export interface ChannelKeys {
  /** XChaCha20-Poly1305 key for the body. */
  readonly aeadKey: Uint8Array;
  /** BLAKE2b key for the header MAC. */
  readonly macKey: Uint8Array;
}

const cache = new Map<string, ChannelKeys>();
const CACHE_LIMIT = 4096;

/**
 * Keys for messages from `sender` to `recipient`, from static X25519 Diffie-Hellman:
 * BLAKE2b-512(context ‖ X25519(sk, pk) ‖ sender box pk ‖ recipient box pk), split in two.
 * Both ends compute the same keys; the public keys in order make each direction's keys distinct.
 * Memoised: the X25519 step dominates the cost of a small envelope.
 */
export function channelKeys(self: Identity, peer: PublicIdentity, selfIsSender: boolean): ChannelKeys {
  const id = `${self.keyId}:${peer.keyId}:${selfIsSender ? '>' : '<'}`;
  const cached = cache.get(id);
  if (cached) return cached;
  const shared = sodium.crypto_scalarmult(self.boxSecretKey, peer.boxPublicKey);
  const [senderPk, recipientPk] = selfIsSender
    ? [self.boxPublicKey, peer.boxPublicKey]
    : [peer.boxPublicKey, self.boxPublicKey];
  const material = sodium.crypto_generichash(
    64,
    concatBytes(CHANNEL_KEY_CONTEXT, shared, senderPk, recipientPk),
    null,
  );
  sodium.memzero(shared);
  const keys = { aeadKey: material.slice(0, 32), macKey: material.slice(32, 64) };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(id, keys);
  return keys;
}
