import { z } from 'zod';
import { concatBytes, fromBase64Url, fromUtf8, randomBytes, toBase64Url, utf8 } from './encoding.js';
import { Refusal, type Result, refuse } from './errors.js';
import type { Identity } from './keys.js';
import { partyIdSchema } from './parties.js';
import { sodium } from './sodium.js';
import type { TrustResolver } from './trust.js';

const TOKEN_CONTEXT = utf8('econsulat/v1/broker-token\n');

/** Longest life of a broker token: one connection attempt, with room for a slow handshake. */
export const BROKER_TOKEN_TTL_MS = 5 * 60 * 1000;
/** How far the broker tolerates the two clocks apart when it checks a token. */
export const BROKER_TOKEN_SKEW_MS = 10 * 60 * 1000;

const payloadSchema = z.strictObject({
  party: partyIdSchema,
  keyId: z.string().regex(/^[0-9a-f]{32}$/),
  issuedAt: z.int().min(0),
  expiresAt: z.int().min(0),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
});

/**
 * The MQTT password of a party: a short-lived statement signed with its enrolled Ed25519 key,
 * `base64url(JSON payload) "." base64url(signature)`. No shared password exists to leak.
 */
export function createBrokerToken(identity: Identity, now: number, ttlMs = BROKER_TOKEN_TTL_MS): string {
  const payload = {
    party: identity.partyId,
    keyId: identity.keyId,
    issuedAt: now,
    expiresAt: now + Math.min(ttlMs, BROKER_TOKEN_TTL_MS),
    nonce: toBase64Url(randomBytes(16)),
  };
  const encoded = toBase64Url(utf8(JSON.stringify(payload)));
  const signature = sodium.crypto_sign_detached(
    concatBytes(TOKEN_CONTEXT, utf8(encoded)),
    identity.signSecretKey,
  );
  return `${encoded}.${toBase64Url(signature)}`;
}

/** Who a valid token speaks for, and what makes the token one of a kind. */
export interface BrokerPrincipal {
  readonly partyId: string;
  readonly keyId: string;
  /** The token's random nonce: a broker admits each token once (hub/broker/used-tokens.ts). */
  readonly nonce: string;
  /** Until when (ms, the signer's clock, plus the tolerated skew) the token could be accepted. */
  readonly acceptableUntil: number;
}

/** Checks a token presented with `username` against the trust store, at the broker's `now`. */
export function verifyBrokerToken(
  token: string,
  username: string,
  trust: TrustResolver,
  now: number,
): Result<BrokerPrincipal> {
  const [encoded, signatureText, ...rest] = token.split('.');
  if (!encoded || !signatureText || rest.length > 0) return refuse(Refusal.Malformed, 'token shape');
  let payload: z.infer<typeof payloadSchema>;
  let signature: Uint8Array;
  try {
    payload = payloadSchema.parse(JSON.parse(fromUtf8(fromBase64Url(encoded))));
    signature = fromBase64Url(signatureText, 64);
  } catch {
    return refuse(Refusal.Malformed, 'token payload');
  }
  if (payload.party !== username) return refuse(Refusal.WrongRecipient, 'token is for another username');
  const trusted = trust.lookup(payload.party, payload.keyId);
  if (!trusted) return refuse(Refusal.UnknownSender, `${payload.party}/${payload.keyId}`);
  const signed = concatBytes(TOKEN_CONTEXT, utf8(encoded));
  if (!sodium.crypto_sign_verify_detached(signature, signed, trusted.identity.signPublicKey)) {
    return refuse(Refusal.BadSignature, 'token signature');
  }
  if (trust.revocation(payload.keyId)) return refuse(Refusal.RevokedKey, payload.keyId);
  if (payload.expiresAt - payload.issuedAt > BROKER_TOKEN_TTL_MS)
    return refuse(Refusal.Malformed, 'token lives too long');
  if (payload.issuedAt > now + BROKER_TOKEN_SKEW_MS || payload.expiresAt < now - BROKER_TOKEN_SKEW_MS) {
    return refuse(Refusal.ClockSkew, 'token outside its validity');
  }
  if (now < trusted.validFrom || now > trusted.validUntil) return refuse(Refusal.ExpiredKey, payload.keyId);
  return {
    ok: true,
    value: {
      partyId: payload.party,
      keyId: payload.keyId,
      nonce: payload.nonce,
      acceptableUntil: payload.expiresAt + BROKER_TOKEN_SKEW_MS,
    },
  };
}
