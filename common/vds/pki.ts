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
