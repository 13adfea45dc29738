import { AsnConvert } from '@peculiar/asn1-schema';
import { CRLNumber, id_ce_cRLNumber } from '@peculiar/asn1-x509';
import { x509 } from './x509.js';

// The CSCA's certificate revocation lists (RFC 5280 §5), read and written through @peculiar/x509
// and its ASN.1 schemas: no DER is written here. Loads nothing of Node: the verifier page uses it.

/** The CRL number extension (RFC 5280 §5.2.3). */
export function crlNumberExtension(crlNumber: number): x509.Extension {
  return new x509.Extension(id_ce_cRLNumber, false, AsnConvert.serialize(new CRLNumber(crlNumber)));
}

/** A CRL's number, or null when it has none. */
export function crlNumberOf(crl: x509.X509Crl): number | null {
  const extension = crl.getExtension(id_ce_cRLNumber);
  if (!extension) return null;
  return Number(AsnConvert.parse(extension.value, CRLNumber).value);
}

/** A CRL as PEM under the label RFC 7468 §5 gives it, `X509 CRL` (what OpenSSL reads). */
export function crlToPem(crl: x509.X509Crl): string {
  return x509.PemConverter.encode(crl.rawData, 'X509 CRL');
}

/** A CRL from PEM (`X509 CRL` or `CRL`) or DER; throws TypeError on anything else. */
export function readCrl(encoded: string | Uint8Array): x509.X509Crl {
  try {
    const raw = typeof encoded === 'string' ? x509.PemConverter.decodeFirst(encoded) : encoded;
    return new x509.X509Crl(raw);
  } catch (error) {
    throw new TypeError('not an X.509 CRL', { cause: error });
  }
}
