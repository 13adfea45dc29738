import { type CryptoKey, type CryptoKeyPair, subtle } from './webcrypto.js';
import { ECDSA_P256, x509 } from './x509.js';

// The text forms of what the CSCA and a mission's barcode signer keep on file: a private key as
// PKCS #8 PEM (RFC 5958, the form openssl reads), a certificate request as PKCS #10 PEM (RFC 2986),
// and a certificate's fingerprint for two people to compare by phone.

/** A P-256 private key as PKCS #8 PEM. The key must have been made extractable. */
export async function exportPrivateKeyPem(privateKey: CryptoKey): Promise<string> {
  const der = await subtle.exportKey('pkcs8', privateKey);
  return `${x509.PemConverter.encode(der, 'PRIVATE KEY')}\n`;
}

/**
 * A P-256 key pair from a PKCS #8 PEM private key: the public half is derived through the JWK form
 * (which carries the point). Throws a TypeError when the text is not an ECDSA P-256 private key.
 */
export async function importPrivateKeyPem(pem: string): Promise<CryptoKeyPair> {
  let privateKey: CryptoKey;
  try {
    const der = x509.PemConverter.decodeFirst(pem);
    privateKey = await subtle.importKey('pkcs8', der, ECDSA_P256, true, ['sign']);
  } catch (error) {
    throw new TypeError('not an ECDSA P-256 private key in PKCS #8 PEM', { cause: error });
  }
  const { d: _d, key_ops: _ops, ...jwk } = await subtle.exportKey('jwk', privateKey);
  const publicKey = await subtle.importKey('jwk', jwk, ECDSA_P256, true, ['verify']);
  return { privateKey, publicKey };
}

/** A public key as SubjectPublicKeyInfo PEM. */
export async function exportPublicKeyPem(publicKey: CryptoKey): Promise<string> {
  return `${x509.PemConverter.encode(await subtle.exportKey('spki', publicKey), 'PUBLIC KEY')}\n`;
}

/** A P-256 public key from SubjectPublicKeyInfo PEM; a TypeError when it is not one. */
export async function importPublicKeyPem(pem: string): Promise<CryptoKey> {
  try {
    return await subtle.importKey('spki', x509.PemConverter.decodeFirst(pem), ECDSA_P256, true, ['verify']);
  } catch (error) {
    throw new TypeError('not an ECDSA P-256 public key in PEM', { cause: error });
  }
}

/** Whether two public keys are the same key (their SubjectPublicKeyInfo bytes are equal). */
export async function isSamePublicKey(a: CryptoKey, b: CryptoKey): Promise<boolean> {
  const [left, right] = await Promise.all([subtle.exportKey('spki', a), subtle.exportKey('spki', b)]);
  return hex(new Uint8Array(left)) === hex(new Uint8Array(right));
}

/**
 * A certificate's fingerprint: SHA-256 of its DER bytes in upper-case hex, in groups of four
 * (`3F2A 91C0 …`), the digest `openssl x509 -noout -fingerprint -sha256` prints with colons.
 */
export async function certificateFingerprint(certificate: x509.X509Certificate): Promise<string> {
  const digest = new Uint8Array(await subtle.digest('SHA-256', certificate.rawData));
  return hex(digest).match(/.{4}/g)?.join(' ') ?? '';
}

/** The fingerprint of a public key: SHA-256 of its SubjectPublicKeyInfo, grouped like a certificate's. */
export async function publicKeyFingerprint(publicKey: CryptoKey): Promise<string> {
  const spki = await subtle.exportKey('spki', publicKey);
  const digest = new Uint8Array(await subtle.digest('SHA-256', spki));
  return hex(digest).match(/.{4}/g)?.join(' ') ?? '';
}

/**
 * A fingerprint as a person typed or pasted it (spaces, colons, dashes, any case) reduced to its
 * 64 hex digits; null when what remains is not a SHA-256 fingerprint.
 */
export function normaliseFingerprint(text: string): string | null {
  const compact = text.replace(/[\s:-]/g, '').toUpperCase();
  return /^[0-9A-F]{64}$/.test(compact) ? compact : null;
}

/** A PKCS #10 request for a barcode signer certificate, signed with the key it asks a certificate for. */
export async function createSignerRequest(keys: CryptoKeyPair, missionId: string): Promise<string> {
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${missionId}`,
    keys,
    signingAlgorithm: ECDSA_P256,
  });
  return `${request.toString('pem')}\n`;
}

/**
 * Reads a PKCS #10 request: its key and the mission its subject names, once its signature holds
 * (the requester has the private key). A TypeError otherwise.
 */
export async function readSignerRequest(pem: string): Promise<{ missionId: string; publicKey: CryptoKey }> {
  let request: x509.Pkcs10CertificateRequest;
  try {
    request = new x509.Pkcs10CertificateRequest(pem);
  } catch (error) {
    throw new TypeError('not a PKCS #10 certificate request in PEM', { cause: error });
  }
  if (!(await request.verify())) throw new TypeError('the request’s signature does not hold');
  const missionId = request.subjectName.getField('CN')[0];
  if (!missionId) throw new TypeError('the request names no mission (CN)');
  const publicKey = (await request.publicKey.export(ECDSA_P256, ['verify'])) as CryptoKey;
  return { missionId, publicKey };
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();
}
