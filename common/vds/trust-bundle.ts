// zod/mini, not zod: the verifier page loads this schema, and the full zod weighs 450 KB in a bundle.
import * as z from 'zod/mini';

const Pem = z
  .string()
  .check(z.regex(/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/, 'a PEM certificate'));
const Instant = z.iso.datetime({ offset: true });
const PemCrl = z
  .string()
  .check(z.regex(/-----BEGIN (X509 )?CRL-----[\s\S]+-----END (X509 )?CRL-----/, 'a PEM CRL'));

/**
 * What a border post needs to check seals with no network, as the hub publishes it: the CSCA
 * certificate(s), the barcode signer certificates they issued, the revoked signers (a CRL's list
 * of serial numbers) and the revoked documents, with the date the bundle was made.
 */
export const TrustBundleSchema = z.object({
  format: z.literal('econsulat-vds-trust/1'),
  /** When the hub made this bundle: a verifier shows it, revocations after it are unknown. */
  issuedAt: Instant,
  cscaCertificates: z.array(Pem).check(z.minLength(1)),
  signerCertificates: z.array(Pem),
  revokedSigners: z.array(
    z.object({
      /** The signer certificate's serial number in hex (its certificate reference). */
      serialNumber: z.string().check(z.regex(/^[0-9A-Fa-f]{1,40}$/, 'a serial number in hex')),
      revokedAt: Instant,
    }),
  ),
  /**
   * The CRLs the CSCA(s) signed (RFC 5280, PEM `X509 CRL`), listing the revoked signer
   * certificates: unlike the rest of the bundle they are signed, and a verifier refuses a bundle
   * whose CRL no CSCA of the bundle signed. Absent from bundles made before CRLs were published.
   */
  crls: z.optional(z.array(PemCrl)),
  revokedDocuments: z.array(
    z.object({
      documentType: z.enum(['visa', 'emergency_travel_document']),
      /** The number in the document's MRZ (the visa's or the laissez-passer's own number), as printed there. */
      documentNumber: z.string().check(z.regex(/^[A-Z0-9]{1,9}$/, '1 to 9 capital letters or digits')),
      revokedAt: Instant,
    }),
  ),
});

export type TrustBundle = z.input<typeof TrustBundleSchema>;
