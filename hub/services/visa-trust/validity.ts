// Validity of the seal certificates, after ICAO Doc 9303-12 (§5, "Key management"): a
// certificate must outlive its private key's usage period by the validity of the last thing
// that key signed, or seals still in their validity would be refused as `expired`.

const DAY_MS = 86_400_000;
const YEAR_DAYS = 365;

/** How long a mission's barcode signer key signs seals before it is replaced: 1 year. */
export const SIGNER_KEY_USAGE_DAYS = YEAR_DAYS;
/** The longest validity of a visa or laissez-passer a mission issues: 5 years (a long-stay visa). */
export const LONGEST_DOCUMENT_DAYS = 5 * YEAR_DAYS;
/** A signer certificate: key usage + the longest document it may seal (6 years). */
export const SIGNER_CERTIFICATE_DAYS = SIGNER_KEY_USAGE_DAYS + LONGEST_DOCUMENT_DAYS;
/** How long the CSCA's key issues signer certificates: 5 years, the top of Doc 9303-12's 3–5. */
export const CSCA_KEY_USAGE_DAYS = 5 * YEAR_DAYS;
/** The CSCA certificate: key usage + the longest signer certificate it issues (11 years). */
export const CSCA_CERTIFICATE_DAYS = CSCA_KEY_USAGE_DAYS + SIGNER_CERTIFICATE_DAYS;

/** `from` plus whole days. */
export function addDays(from: Date, days: number): Date {
  return new Date(from.getTime() + days * DAY_MS);
}
