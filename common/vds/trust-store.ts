import { parseInput, VdsInputError } from './errors.js';
import { TrustBundleSchema } from './trust-bundle.js';
import type { CryptoKey } from './webcrypto.js';
import { certificateReferenceOf, ECDSA_P256, normaliseSerial, signerIdentifierOf, x509 } from './x509.js';

/** A signer certificate the bundle vouches for, its key imported once. */
export interface TrustedSigner {
  signerIdentifier: string;
  certificateReference: string;
  certificate: x509.X509Certificate;
  publicKey: CryptoKey;
}

/** A trust bundle read and checked once, ready to verify many seals. */
export interface TrustStore {
  issuedAt: string;
  /** Keyed `signerIdentifier/certificateReference`. */
  signers: Map<string, TrustedSigner>;
  revokedSerials: Set<string>;
  /** Keyed `documentType/documentNumber`. */
  revokedDocuments: Set<string>;
}

/** The key a seal's header looks its signer up by. */
export function signerKey(signerIdentifier: string, certificateReference: string): string {
  return `${signerIdentifier}/${normaliseSerial(certificateReference)}`;
}

async function isSelfSigned(certificate: x509.X509Certificate): Promise<boolean> {
  return certificate.subject === certificate.issuer && (await certificate.verify({ signatureOnly: true }));
}

async function issuedBy(certificate: x509.X509Certificate, cscas: x509.X509Certificate[]): Promise<boolean> {
  for (const csca of cscas) {
    if (csca.subject !== certificate.issuer) continue;
    if (await certificate.verify({ publicKey: csca.publicKey, signatureOnly: true })) return true;
  }
  return false;
}

/**
 * Reads a trust bundle (the JSON the hub publishes): checks its shape, that each CSCA certificate
 * is self-signed, and keeps only the signer certificates one of them issued, each under the signer
 * identifier and reference its subject and serial give. A signer certificate no CSCA issued is
 * left out, so a seal naming it is refused as `unknown_signer`.
 */
export async function loadTrustStore(bundle: unknown): Promise<TrustStore> {
  const parsed = parseInput(TrustBundleSchema, bundle, 'trust bundle');
  const cscas = parsed.cscaCertificates.map((pem) => new x509.X509Certificate(pem));
  for (const csca of cscas) {
    if (!(await isSelfSigned(csca)))
      throw new VdsInputError(`CSCA certificate ${csca.subject} is not self-signed`);
  }
  const signers = new Map<string, TrustedSigner>();
  for (const pem of parsed.signerCertificates) {
    const certificate = new x509.X509Certificate(pem);
    const signerIdentifier = signerIdentifierOf(certificate);
    if (!signerIdentifier || !(await issuedBy(certificate, cscas))) continue;
    const certificateReference = certificateReferenceOf(certificate);
    const publicKey = (await certificate.publicKey.export(ECDSA_P256, ['verify'])) as CryptoKey;
    signers.set(signerKey(signerIdentifier, certificateReference), {
      signerIdentifier,
      certificateReference,
      certificate,
      publicKey,
    });
  }
  return {
    issuedAt: parsed.issuedAt,
    signers,
    revokedSerials: new Set(parsed.revokedSigners.map((entry) => normaliseSerial(entry.serialNumber))),
    revokedDocuments: new Set(
      parsed.revokedDocuments.map((entry) => `${entry.documentType}/${entry.documentNumber}`),
    ),
  };
}
