import { type CertificateAndKey, generateKeyPair, privateKeyPem, randomSerial } from './pem-keys.js';
import { EC_P256, x509 } from './x509.js';

/**
 * Twenty years: the counters' browsers are taught this certificate once, by hand; a root that
 * outlives the machines saves a visit to every counter. Browsers put no limit on a root's life.
 */
export const CA_VALIDITY_YEARS = 20;

/** Counters whose clocks run a little behind still accept a certificate made a moment ago. */
export const CLOCK_SKEW_MS = 60 * 60 * 1000;

/** Who the authority is for: shown by browsers in the certificate viewer. */
export interface MissionName {
  readonly missionId: string;
  readonly missionName: string;
}

/**
 * The mission's own certificate authority: a self-signed ECDSA P-256 root that signs the node's
 * server certificate and nothing else. `pathLen 0`: it cannot make intermediate authorities, and
 * its key usage is limited to signing certificates and revocation lists (RFC 5280 §4.2.1.3,
 * §4.2.1.9).
 */
export async function createMissionCa(mission: MissionName, now = new Date()): Promise<CertificateAndKey> {
  const keys = await generateKeyPair();
  const notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CA_VALIDITY_YEARS);
  const name: Record<string, string[]>[] = [
    { CN: [`e-Consulat ${mission.missionId} – autorité locale`] },
    { O: [mission.missionName] },
  ];
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name,
    notBefore,
    notAfter,
    signingAlgorithm: EC_P256,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: certificate.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
}
