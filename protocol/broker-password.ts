import { concatBytes, toBase64Url, utf8 } from './encoding.js';
import type { Identity, PublicIdentity } from './keys.js';
import { HUB_ID, isMissionId } from './parties.js';
import { sodium } from './sodium.js';

const BROKER_PASSWORD_CONTEXT = utf8('econsulat/v1/broker-password');

/**
 * A mission's static MQTT password for an external broker (Mosquitto, …), which cannot verify
 * the Ed25519 broker tokens: `base64url(BLAKE2b-256(key = X25519(own secret, peer public),
 * message = "econsulat/v1/broker-password" ‖ missionId))`.
 *
 * The mission computes it with its own identity and the hub's public identity; the hub with its
 * own identity and the mission's public identity: X25519 gives both the same shared secret, so the
 * password is never transmitted. It changes whenever either side's keys change (re-enrolment).
 * Throws TypeError unless exactly one side is the hub and the other a mission.
 */
export function missionBrokerPassword(self: Identity, peer: PublicIdentity): string {
  const selfIsHub = self.partyId === HUB_ID;
  const missionId = selfIsHub ? peer.partyId : self.partyId;
  const hubId = selfIsHub ? self.partyId : peer.partyId;
  if (hubId !== HUB_ID || !isMissionId(missionId)) {
    throw new TypeError('a broker password is derived between the hub and one mission');
  }
  return derive(self.boxSecretKey, peer.boxPublicKey, missionId);
}

/**
 * The hub's own static MQTT password for an external broker: the same derivation with the hub's
 * key on both sides and the hub's party id as the message, so only the hub can compute it. Every
 * hub process sharing the ingest computes the same one.
 */
export function hubBrokerPassword(hub: Identity): string {
  if (hub.partyId !== HUB_ID) throw new TypeError('only the hub has a hub broker password');
  return derive(hub.boxSecretKey, hub.boxPublicKey, HUB_ID);
}

function derive(secretKey: Uint8Array, publicKey: Uint8Array, partyId: string): string {
  const shared = sodium.crypto_scalarmult(secretKey, publicKey);
  const password = sodium.crypto_generichash(32, concatBytes(BROKER_PASSWORD_CONTEXT, utf8(partyId)), shared);
  sodium.memzero(shared);
  return toBase64Url(password);
}
