// @peculiar/x509 resolves its ASN.1 schemas through tsyringe, which needs the Reflect metadata API
// before it loads. The provider is the platform's WebCrypto, so the same code runs in a browser.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(globalThis.crypto);

export { x509 };

/** ECDSA over P-256 with SHA-256, the seal's signature algorithm. */
export const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/**
 * The signer identifier a barcode signer certificate stands for: its subject's countryName and
 * commonName, two characters each (`C=CF, CN=PA` → `CFPA`; BSI TR-03137 §5.3.1, the visa signer
 * profile). Null when the subject is not of that shape.
 */
export function signerIdentifierOf(certificate: x509.X509Certificate): string | null {
  const country = certificate.subjectName.getField('C')[0] ?? '';
  const common = certificate.subjectName.getField('CN')[0] ?? '';
  const id = `${country}${common}`.toUpperCase();
  return /^[A-Z]{2}[A-Z0-9]{2}$/.test(id) && country.length === 2 ? id : null;
}

/** The certificate reference a seal names: the serial number in upper-case hex, no leading zeros. */
export function certificateReferenceOf(certificate: x509.X509Certificate): string {
  return normaliseSerial(certificate.serialNumber);
}

/** A serial number in hex as the bundle and the header compare it. */
export function normaliseSerial(hex: string): string {
  return hex.toUpperCase().replace(/^0+(?=.)/, '');
}
