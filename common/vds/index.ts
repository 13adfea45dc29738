// The visible digital seal (ICAO Doc 9303 part 13) and the MRZ helpers both sides need: see README.md.
export { c40ByteLength, decodeC40, encodeC40 } from './c40.js';
export { type MalformedReason, VdsError, VdsErrorCode, VdsInputError, VdsMalformedError } from './errors.js';
export { EtdTag, type SealContent, VisaTag } from './features.js';
export { DocumentTypes, type SealHeader } from './header.js';
export {
  certificateFingerprint,
  createSignerRequest,
  exportPrivateKeyPem,
  exportPublicKeyPem,
  importPrivateKeyPem,
  importPublicKeyPem,
  isSamePublicKey,
  normaliseFingerprint,
  publicKeyFingerprint,
  readSignerRequest,
} from './key-files.js';
export {
  buildEtdMrz,
  buildVisaMrz,
  type EtdMrzInput,
  EtdMrzInputSchema,
  isValidPassportNumber,
  type MrzLines,
  mrzCheckDigit,
  normaliseMrzField,
  PassportNumberWithCheckSchema,
  type VisaMrzInput,
  VisaMrzInputSchema,
} from './mrz.js';
export { type Csca, createCscaCertificate, generateSealKeys, issueSignerCertificate } from './pki.js';
export {
  type DecodedSeal,
  decodeSeal,
  type EtdSealInput,
  EtdSealInputSchema,
  encodeEtdSealBody,
  encodeVisaSealBody,
  type VisaSealInput,
  VisaSealInputSchema,
} from './seal.js';
export { signEtdSeal, signSealBody, signVisaSeal } from './sign.js';
export { type TrustBundle, TrustBundleSchema } from './trust-bundle.js';
export { loadTrustStore, type TrustStore } from './trust-store.js';
export { hasValidSignature, type VerifyRefusal, type VerifyResult, verifySeal } from './verify.js';
export { certificateReferenceOf, normaliseSerial, signerIdentifierOf, x509 } from './x509.js';
