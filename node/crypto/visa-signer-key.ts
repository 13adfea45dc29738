import { constants } from 'node:fs';
import { chmod, mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CodedError } from '../../common/errors/coded-error.js';
import { writeFileDurably } from '../../common/fs/durable-files.js';
import {
  certificateFingerprint,
  importPrivateKeyPem,
  isSamePublicKey,
  normaliseFingerprint,
} from '../../common/vds/key-files.js';
import type { CryptoKey, CryptoKeyPair } from '../../common/vds/webcrypto.js';
import { certificateReferenceOf, ECDSA_P256, signerIdentifierOf, x509 } from '../../common/vds/x509.js';

/** Why the mission's barcode signer key or certificate was refused. */
export const VisaSignerErrorCode = {
  /** The key file is missing, readable by others, or not a P-256 key. */
  BadKeyFile: 'visa_signer_bad_key_file',
  /** The certificate given is not for this mission's key, or not issued by the pinned CSCA. */
  CertificateRefused: 'visa_signer_certificate_refused',
} as const;

/** A refusal of the signer's files, with a stable code. */
export class VisaSignerError extends CodedError<
  (typeof VisaSignerErrorCode)[keyof typeof VisaSignerErrorCode]
> {
  override readonly name = 'VisaSignerError';
}

/**
 * Where a mission keeps its barcode signer (issue 17): the P-256 private key beside its other keys
 * (mode 0600), the certificate the ministry's CSCA issued for it, and the CSCA certificate it was
 * checked against.
 */
export function visaSignerPaths(dataDir: string) {
  return {
    key: join(dataDir, 'keys', 'visa-signer.key'),
    certificate: join(dataDir, 'keys', 'visa-signer.crt.pem'),
    csca: join(dataDir, 'keys', 'csca.crt.pem'),
  };
}

/** Writes a new private key file, mode 0600; refuses to replace one. */
export async function writeSignerKeyFile(path: string, pem: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    await handle.writeFile(pem, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await chmod(path, 0o600);
}

/** Reads a signer (or CSCA) private key file; refuses one that group or others may read. */
export async function readSignerKeyFile(path: string): Promise<CryptoKeyPair> {
  const info = await stat(path).catch((error: unknown) => {
    throw new VisaSignerError(VisaSignerErrorCode.BadKeyFile, `no key file at ${path}`, { cause: error });
  });
  if ((info.mode & 0o077) !== 0)
    throw new VisaSignerError(
      VisaSignerErrorCode.BadKeyFile,
      `${path} is readable by others (mode ${(info.mode & 0o777).toString(8)}): chmod 600 it`,
    );
  try {
    return await importPrivateKeyPem(await readFile(path, 'utf8'));
  } catch (error) {
    throw new VisaSignerError(VisaSignerErrorCode.BadKeyFile, `${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** A signer certificate once checked, with what the seal header will name. */
export interface CheckedSignerCertificate {
  readonly certificate: x509.X509Certificate;
  readonly signerIdentifier: string;
  readonly certificateReference: string;
  readonly cscaFingerprint: string;
}

/**
 * Checks a signer certificate before the mission signs with it: the CSCA certificate is the one
 * pinned by its fingerprint (read out by the ministry) and self-signed, the signer certificate
 * was issued by it, carries this mission's public key, names a signer identifier, and is in force.
 */
export async function checkSignerCertificate(input: {
  certificatePem: string;
  cscaPem: string;
  pinnedCscaFingerprint: string;
  publicKey: CryptoKey;
  now: Date;
}): Promise<CheckedSignerCertificate> {
  const refuse = (message: string): never => {
    throw new VisaSignerError(VisaSignerErrorCode.CertificateRefused, message);
  };
  const pinned = normaliseFingerprint(input.pinnedCscaFingerprint);
  if (!pinned) refuse('the CSCA fingerprint is 64 hexadecimal digits (spaces and colons allowed)');
  const csca = parseCertificate(input.cscaPem, 'the CSCA certificate');
  const certificate = parseCertificate(input.certificatePem, 'the signer certificate');
  const cscaFingerprint = await certificateFingerprint(csca);
  if (normaliseFingerprint(cscaFingerprint) !== pinned)
    refuse(`the CSCA certificate’s fingerprint is ${cscaFingerprint}, not the one given`);
  if (csca.subject !== csca.issuer || !(await csca.verify({ signatureOnly: true })))
    refuse('the CSCA certificate is not self-signed');
  if (
    certificate.issuer !== csca.subject ||
    !(await certificate.verify({ publicKey: csca.publicKey, signatureOnly: true }))
  )
    refuse('the signer certificate was not issued by this CSCA');
  const certified = (await certificate.publicKey.export(ECDSA_P256, ['verify'])) as CryptoKey;
  if (!(await isSamePublicKey(certified, input.publicKey)))
    refuse('the signer certificate is for another key than this mission’s (visa-signer.key)');
  const signerIdentifier = signerIdentifierOf(certificate);
  if (!signerIdentifier) refuse('the signer certificate names no signer identifier (C=CF, CN=2 characters)');
  if (input.now < certificate.notBefore || input.now > certificate.notAfter)
    refuse(
      `the signer certificate is valid from ${certificate.notBefore.toISOString()} to ${certificate.notAfter.toISOString()}`,
    );
  return {
    certificate,
    signerIdentifier: signerIdentifier as string,
    certificateReference: certificateReferenceOf(certificate),
    cscaFingerprint,
  };
}

/** Keeps the checked certificate and its CSCA beside the key (replacing an earlier import). */
export async function saveSignerCertificates(
  dataDir: string,
  certificatePem: string,
  cscaPem: string,
): Promise<void> {
  const paths = visaSignerPaths(dataDir);
  await writeFileDurably(paths.certificate, `${certificatePem.trim()}\n`);
  await writeFileDurably(paths.csca, `${cscaPem.trim()}\n`);
}

function parseCertificate(pem: string, what: string): x509.X509Certificate {
  try {
    return new x509.X509Certificate(pem);
  } catch (error) {
    throw new VisaSignerError(VisaSignerErrorCode.CertificateRefused, `${what} is not a PEM certificate`, {
      cause: error,
    });
  }
}
