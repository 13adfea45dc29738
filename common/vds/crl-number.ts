import { AsnConvert } from '@peculiar/asn1-schema';
import { CRLNumber, id_ce_cRLNumber } from '@peculiar/asn1-x509';
import { x509 } from './x509.js';

// The CRL number extension (RFC 5280 §5.2.3) through @peculiar's ASN.1 schemas, for the CSCA's
// signing side: the verifying side (trust-store.ts) needs no number and loads no ASN.1 package
// of its own.

/** The CRL number extension of a CRL. */
export function crlNumberExtension(crlNumber: number): x509.Extension {
  return new x509.Extension(id_ce_cRLNumber, false, AsnConvert.serialize(new CRLNumber(crlNumber)));
}

/** A CRL's number, or null when it has none. */
export function crlNumberOf(crl: x509.X509Crl): number | null {
  const extension = crl.getExtension(id_ce_cRLNumber);
  if (!extension) return null;
  return Number(AsnConvert.parse(extension.value, CRLNumber).value);
}
