import { x509 } from './x509.js';

// The CSCA's certificate revocation lists (RFC 5280 §5), read and written through @peculiar/x509:
// no DER is written here. Loads nothing of Node: the verifier page uses it.

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
