import { type DecodedSeal, decodeSeal } from './decode.js';
import { isValidSignature } from './ecdsa.js';
import { VdsMalformedError } from './errors.js';
import { signerKey, type TrustStore } from './trust-store.js';
import type { CryptoKey } from './webcrypto.js';
import { ECDSA_P256, type x509 } from './x509.js';

/** Why a seal is refused, in the order the checks run. */
export type VerifyRefusal =
  | 'malformed'
  | 'unknown_signer'
  | 'altered'
  | 'revoked_signer'
  | 'revoked_document'
  | 'not_yet_valid'
  | 'expired';

export type VerifyResult =
  | { valid: true; seal: DecodedSeal }
  | { valid: false; reason: VerifyRefusal; detail: string };

const P256_SIGNATURE_BYTES = 64;

function refuse(reason: VerifyRefusal, detail: string): VerifyResult {
  return { valid: false, reason, detail };
}

/** Whether a seal's signature holds under a public key or a certificate's key (no trust checked). */
export async function hasValidSignature(
  seal: DecodedSeal,
  key: CryptoKey | x509.X509Certificate,
): Promise<boolean> {
  if (seal.signature.length !== P256_SIGNATURE_BYTES) return false;
  const publicKey =
    'publicKey' in key ? ((await key.publicKey.export(ECDSA_P256, ['verify'])) as CryptoKey) : key;
  return isValidSignature(publicKey, seal.signature, seal.signedBytes);
}

/**
 * Checks a seal offline against a trust store (loadTrustStore): well formed, named signer trusted,
 * signature intact, signer and document not revoked, and `now` within the document's and the signer
 * certificate's validity. Dates compare as UTC days. Never throws on untrusted bytes.
 */
export async function verifySeal(
  bytes: Uint8Array,
  trust: TrustStore,
  options: { now: Date },
): Promise<VerifyResult> {
  let seal: DecodedSeal;
  try {
    seal = decodeSeal(bytes);
  } catch (error) {
    if (error instanceof VdsMalformedError) return refuse('malformed', error.reason);
    throw error;
  }
  const { header, content } = seal;
  if (content.kind === 'other') return refuse('malformed', 'unsupported_document_type');
  if (seal.signature.length !== P256_SIGNATURE_BYTES) return refuse('malformed', 'signature_size');
  const signer = trust.signers.get(signerKey(header.signerIdentifier, header.certificateReference));
  if (!signer) return refuse('unknown_signer', `${header.signerIdentifier} ${header.certificateReference}`);
  if (!(await isValidSignature(signer.publicKey, seal.signature, seal.signedBytes))) {
    return refuse('altered', 'the signature does not hold');
  }
  if (trust.revokedSerials.has(signer.certificateReference)) {
    return refuse('revoked_signer', `${signer.signerIdentifier} ${signer.certificateReference}`);
  }
  const documentNumber = content.mrz.fields.documentNumber;
  if (trust.revokedDocuments.has(`${content.kind}/${documentNumber}`))
    return refuse('revoked_document', documentNumber);
  const today = options.now.toISOString().slice(0, 10);
  if (today < header.documentIssueDate || today < header.signatureCreationDate) {
    return refuse('not_yet_valid', `issued ${header.documentIssueDate}`);
  }
  if (options.now < signer.certificate.notBefore) return refuse('not_yet_valid', 'signer certificate');
  if (today > content.mrz.fields.expiryDate)
    return refuse('expired', `expired ${content.mrz.fields.expiryDate}`);
  if (options.now > signer.certificate.notAfter) return refuse('expired', 'signer certificate');
  return { valid: true, seal };
}
