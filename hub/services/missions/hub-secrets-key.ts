import { concatBytes, type Identity, sodium, utf8 } from '../../../protocol/index.js';

const CONTEXT = utf8('econsulat/v1/hub-secrets-key');

/**
 * The key that encrypts the hub's stored secrets (ministry users' TOTP secrets), derived from the
 * hub's signing seed so that there is one secret file to guard and back up. Rotating the hub's
 * identity (itself a re-enrolment of every mission) means ministry users enrol TOTP again.
 */
export function hubSecretsKey(hub: Identity): Uint8Array {
  return sodium.crypto_generichash(
    32,
    concatBytes(CONTEXT, hub.signPublicKey),
    hub.signSecretKey.subarray(0, 32),
  );
}
