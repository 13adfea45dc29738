import { createPrivateKey, webcrypto } from 'node:crypto';
import { EC_P256, x509 } from './x509.js';

/** A certificate and its private key, both PEM (the key PKCS #8): what node:https reads. */
export interface CertificateAndKey {
  readonly certPem: string;
  readonly keyPem: string;
}

/** A fresh ECDSA P-256 key pair; the private half is exportable once, to be written to its file. */
export function generateKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
}

/** The private key as PKCS #8 PEM (`BEGIN PRIVATE KEY`). */
export async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

/**
 * A PEM private key (PKCS #8 or SEC 1) as a WebCrypto signing key. Read through node:crypto first,
 * so a key that is not ECDSA P-256 is refused by name instead of failing inside WebCrypto.
 */
export async function importSigningKey(pem: string): Promise<webcrypto.CryptoKey> {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new TypeError('the certificate authority key is not an ECDSA P-256 key');
  }
  const der = key.export({ format: 'der', type: 'pkcs8' });
  return webcrypto.subtle.importKey('pkcs8', der, EC_P256, false, ['sign']);
}

/** A positive serial of 128 random bits (RFC 5280 §4.1.2.2: at most 20 octets, unique per CA). */
export function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}
