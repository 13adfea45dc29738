import { crlNumberExtension } from './crl-number.js';
import type { CryptoKey, CryptoKeyPair } from './webcrypto.js';
import { subtle } from './webcrypto.js';
import { ECDSA_P256, x509 } from './x509.js';

// Certificates for seals: the country signing CA (CSCA) of CAF and the barcode signer certificates
// it issues, one per mission. Built with @peculiar/x509 over WebCrypto; no DER is written here.

/** A CSCA: its self-signed certificate and key pair. */
export interface Csca {
  certificate: x509.X509Certificate;
  keys: CryptoKeyPair;
}

/** Generates a P-256 key pair for a CSCA or a signer; the private key is not extractable unless asked. */
export function generateSealKeys(extractable = false): Promise<CryptoKeyPair> {
  return subtle.generateKey(ECDSA_P256, extractable, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

/** A self-signed CSCA certificate: a CA that signs certificates and CRLs, nothing else. */
export async function createCscaCertificate(options: {
  keys: CryptoKeyPair;
  serialNumber: string;
  name: string;
  notBefore: Date;
  notAfter: Date;
}): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: options.serialNumber,
    name: options.name,
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    signingAlgorithm: ECDSA_P256,
    keys: options.keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(options.keys.publicKey),
    ],
  });
}

/**
 * A barcode signer certificate issued by `csca`. Its subject is `C=<2 letters>, CN=<2 characters>`
 * from the signer identifier, its serial number the certificate reference a seal will carry.
 */
export async function issueSignerCertificate(options: {
  csca: Csca;
  signerIdentifier: string;
  serialNumber: string;
  publicKey: CryptoKey;
  notBefore: Date;
  notAfter: Date;
}): Promise<x509.X509Certificate> {
  const { csca, signerIdentifier } = options;
  if (!/^[A-Z]{2}[A-Z0-9]{2}$/.test(signerIdentifier))
    throw new TypeError(`signer identifier ${signerIdentifier}`);
  return x509.X509CertificateGenerator.create({
    serialNumber: options.serialNumber,
    subject: `C=${signerIdentifier.slice(0, 2)}, CN=${signerIdentifier.slice(2)}`,
    issuer: csca.certificate.subject,
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    signingAlgorithm: ECDSA_P256,
    publicKey: options.publicKey,
    signingKey: csca.keys.privateKey,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      await x509.AuthorityKeyIdentifierExtension.create(csca.keys.publicKey),
    ],
  });
}

/** RFC 5280 §5.3.1 reasons a signer certificate is revoked for, as a CRL entry states them. */
export type CrlReason = 'keyCompromise' | 'affiliationChanged' | 'superseded' | 'cessationOfOperation';

/** A revoked signer certificate, as a CRL lists it. */
export interface RevokedCertificateEntry {
  /** Hex, as the certificate's serial number. */
  readonly serialNumber: string;
  readonly revokedAt: Date;
  readonly reason?: CrlReason;
}

/**
 * An X.509 v2 CRL signed by the CSCA (RFC 5280 §5; Doc 9303-12 §7.1.4: a CSCA publishes one at
 * least every 90 days) listing revoked barcode signer certificates, with the authority key
 * identifier and CRL number extensions RFC 5280 §5.2 asks of a conforming issuer.
 */
export async function signRevocationList(options: {
  csca: Csca;
  crlNumber: number;
  thisUpdate: Date;
  nextUpdate: Date;
  revoked: readonly RevokedCertificateEntry[];
}): Promise<x509.X509Crl> {
  if (!Number.isSafeInteger(options.crlNumber) || options.crlNumber < 1)
    throw new TypeError(`CRL number ${options.crlNumber}`);
  if (options.nextUpdate <= options.thisUpdate) throw new TypeError('nextUpdate is not after thisUpdate');
  const { csca } = options;
  return x509.X509CrlGenerator.create({
    issuer: csca.certificate.subject,
    thisUpdate: options.thisUpdate,
    nextUpdate: options.nextUpdate,
    signingAlgorithm: ECDSA_P256,
    signingKey: csca.keys.privateKey,
    entries: options.revoked.map((entry) => ({
      serialNumber: entry.serialNumber.toLowerCase(),
      revocationDate: entry.revokedAt,
      ...(entry.reason ? { reason: x509.X509CrlReason[entry.reason] } : {}),
    })),
    extensions: [
      await x509.AuthorityKeyIdentifierExtension.create(csca.keys.publicKey),
      crlNumberExtension(options.crlNumber),
    ],
  });
}
