import { createHash } from 'node:crypto';
import { crlToPem, readCrl } from '../../../common/vds/crl.js';
import { type TrustBundle, TrustBundleSchema } from '../../../common/vds/trust-bundle.js';
import type { Queryable } from '../../db/database.js';
import { allSigners, crlsInForce, cscasInForce, revokedDocuments } from './visa-trust-store.js';

/** The trust bundle as the hub serves it: the bytes, and what HTTP caching needs. */
export interface PublishedBundle {
  readonly bundle: TrustBundle;
  /** The JSON served, byte for byte: the ETag is its hash. */
  readonly body: string;
  /** A strong entity tag (RFC 9110 §8.8.3): the SHA-256 of the body. */
  readonly etag: string;
  /** The bundle's `issuedAt`: when the trust it states last changed. */
  readonly lastModified: Date;
}

/**
 * The bundle border posts verify seals against (common/vds/trust-bundle.ts): the CSCA
 * certificates in force, every signer certificate issued (revoked ones too, so a refusal can say
 * `revoked_signer`), the revoked signers' serials and the revoked documents. Its `issuedAt` is
 * the instant of the last change, not of the request, so the same trust is the same bytes and
 * the same ETag. With the newest CRL each CSCA in force signed, when there is one. Null while no
 * CSCA is recorded: there is nothing to trust yet.
 */
export async function buildTrustBundle(db: Queryable): Promise<PublishedBundle | null> {
  const [cscas, signers, documents, crls] = await Promise.all([
    cscasInForce(db),
    allSigners(db),
    revokedDocuments(db),
    crlsInForce(db),
  ]);
  if (cscas.length === 0) return null;
  const changes = [
    ...cscas.map((csca) => csca.recordedAt),
    ...signers.flatMap((signer) => [signer.issuedAt, signer.revokedAt]),
    ...documents.map((document) => document.revokedAt),
    ...crls.map((crl) => crl.thisUpdate),
  ].flatMap((at) => (at ? [new Date(at).getTime()] : []));
  const lastModified = new Date(Math.max(...changes));
  const bundle: TrustBundle = {
    format: 'econsulat-vds-trust/1',
    issuedAt: lastModified.toISOString(),
    cscaCertificates: cscas.map((csca) => csca.certificatePem.trim()),
    signerCertificates: signers.map((signer) => signer.certificatePem.trim()),
    revokedSigners: signers.flatMap((signer) =>
      signer.revokedAt
        ? [{ serialNumber: signer.serialNumber, revokedAt: new Date(signer.revokedAt).toISOString() }]
        : [],
    ),
    // The CSCA's signed word on its revoked signers; revokedSigners above repeats it for older verifiers.
    ...(crls.length > 0 ? { crls: crls.map((crl) => crlToPem(readCrl(crl.der))) } : {}),
    revokedDocuments: documents.map((document) => ({
      documentType: document.documentType,
      documentNumber: document.documentNumber,
      revokedAt: new Date(document.revokedAt).toISOString(),
    })),
  };
  // What a border post will load: a bundle its own schema refuses is a fault here, not there.
  TrustBundleSchema.parse(bundle);
  const body = `${JSON.stringify(bundle, null, 2)}\n`;
  const etag = `"${createHash('sha256').update(body).digest('base64url')}"`;
  return { bundle, body, etag, lastModified };
}

/** Certificates as one PEM file, in the order the bundle lists them. */
export function concatenatePem(pems: readonly string[]): string {
  return pems.map((pem) => `${pem.trim()}\n`).join('');
}
