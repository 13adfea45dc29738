import { readFile } from 'node:fs/promises';
import type { CryptoKey } from '../../../common/vds/webcrypto.js';
import { certificateReferenceOf, signerIdentifierOf, x509 } from '../../../common/vds/x509.js';
import { readSignerKeyFile, visaSignerPaths } from '../../crypto/visa-signer-key.js';
import { VisaError, VisaErrorCode } from './errors.js';

/** What a seal is signed with: the mission's barcode signer key and what its certificate names. */
export interface VisaSigner {
  readonly privateKey: CryptoKey;
  /** `CF` + the mission's two characters (the certificate's C and CN). */
  readonly signerIdentifier: string;
  /** The certificate's serial number in hex: the header's certificate reference. */
  readonly certificateReference: string;
}

/** Gives the signer when a seal is made; the node reads its keys directory, tests hand one over. */
export type SignerSource = () => Promise<VisaSigner>;

/**
 * The signer kept in the node's keys directory by `econsulat node visa-signer request|import`:
 * read when a document is issued, so a certificate imported while the node runs is used at once.
 * Everything is local: issuing needs no hub.
 */
export function keysDirectorySigner(dataDir: string): SignerSource {
  const paths = visaSignerPaths(dataDir);
  return async () => {
    let pem: string;
    try {
      pem = await readFile(paths.certificate, 'utf8');
    } catch (error) {
      throw new VisaError(
        VisaErrorCode.NoSigner,
        'no visa signer certificate: run econsulat node visa-signer',
        {
          cause: error,
        },
      );
    }
    const certificate = new x509.X509Certificate(pem);
    const signerIdentifier = signerIdentifierOf(certificate);
    if (!signerIdentifier)
      throw new VisaError(VisaErrorCode.NoSigner, 'the signer certificate names no signer');
    const keys = await readSignerKeyFile(paths.key).catch((error: unknown) => {
      throw new VisaError(VisaErrorCode.NoSigner, 'no visa signer key: run econsulat node visa-signer', {
        cause: error,
      });
    });
    return {
      privateKey: keys.privateKey,
      signerIdentifier,
      certificateReference: certificateReferenceOf(certificate),
    };
  };
}
