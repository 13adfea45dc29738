import { readCrl } from './crl.js';
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

/** A CSCA's CRL whose signature held: when it was made and when the next is due. */
export interface TrustedCrl {
  /** The CSCA that signed it (its subject). */
  issuer: string;
  thisUpdate: Date;
  /** Past this, a verifier may say its revocation news is stale; the seals are still checked. */
  nextUpdate: Date | null;
  /** The serial numbers it lists, normalised as the header's certificate references. */
  revokedSerials: string[];
}

/** A trust bundle read and checked once, ready to verify many seals. */
export interface TrustStore {
  issuedAt: string;
  /** Keyed `signerIdentifier/certificateReference`. */
  signers: Map<string, TrustedSigner>;
  /** The bundle's revoked signers and every serial its CRLs list. */
  revokedSerials: Set<string>;
  /** The bundle's CRLs, each checked against a CSCA of the bundle (empty for an older bundle). */
  revocationLists: TrustedCrl[];
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
 * A CRL of the bundle, kept only when a CSCA of the bundle signed it: a bundle travels unsigned
 * (USB sticks, mirrors), and a CRL that does not verify is a forgery or a corruption. Refusing the
 * whole bundle says so, where dropping the CRL would silently un-revoke its signers.
 */
async function checkedCrl(pem: string, cscas: x509.X509Certificate[]): Promise<TrustedCrl> {
  let crl: x509.X509Crl;
  try {
    crl = readCrl(pem);
  } catch {
    throw new VdsInputError('a CRL of the trust bundle cannot be read');
  }
  for (const csca of cscas) {
    if (csca.subject !== crl.issuer) continue;
    if (await crl.verify({ publicKey: csca.publicKey })) {
      return {
        issuer: crl.issuer,
        thisUpdate: crl.thisUpdate,
        nextUpdate: crl.nextUpdate ?? null,
        revokedSerials: crl.entries.map((entry) => normaliseSerial(entry.serialNumber)),
      };
    }
  }
  throw new VdsInputError(`the CRL of ${crl.issuer} is not signed by a CSCA of the trust bundle`);
}

/**
 * Reads a trust bundle (the JSON the hub publishes): checks its shape, that each CSCA certificate
 * is self-signed, and keeps only the signer certificates one of them issued, each under the signer
 * identifier and reference its subject and serial give. A signer certificate no CSCA issued is
 * left out, so a seal naming it is refused as `unknown_signer`. Each CRL must verify under a CSCA
 * of the bundle, or the bundle is refused (`vds_invalid_input`); the serials it lists join the
 * bundle's revoked signers.
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
  const revocationLists: TrustedCrl[] = [];
  for (const pem of parsed.crls ?? []) revocationLists.push(await checkedCrl(pem, cscas));
  return {
    issuedAt: parsed.issuedAt,
    signers,
    revokedSerials: new Set([
      ...parsed.revokedSigners.map((entry) => normaliseSerial(entry.serialNumber)),
      ...revocationLists.flatMap((crl) => crl.revokedSerials),
    ]),
    revocationLists,
    revokedDocuments: new Set(
      parsed.revokedDocuments.map((entry) => `${entry.documentType}/${entry.documentNumber}`),
    ),
  };
}
