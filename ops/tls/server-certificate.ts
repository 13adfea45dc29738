import { createPrivateKey, X509Certificate } from 'node:crypto';
import { CLOCK_SKEW_MS } from './mission-ca.js';
import {
  type CertificateAndKey,
  generateKeyPair,
  importSigningKey,
  privateKeyPem,
  randomSerial,
} from './pem-keys.js';
import type { ServerNames } from './server-names.js';
import { EC_P256, x509 } from './x509.js';

/**
 * 825 days, counted from the back-dated start: the longest a TLS server certificate may live for
 * Apple's systems, whatever its root (browsers on Windows and Linux accept more from a private
 * root, but a counter may be a Mac). The renewal command makes the next one from the same root.
 */
export const SERVER_VALIDITY_DAYS = 825;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A server certificate for the node, signed by the mission's authority, on a fresh key: the names
 * and addresses in subjectAltName (browsers read only those, RFC 6125 §6.4.4), serverAuth as its
 * only extended use, digitalSignature its only key use (ECDHE: the key only signs the handshake).
 */
export async function issueServerCertificate(
  ca: CertificateAndKey,
  subject: ServerNames,
  now = new Date(),
): Promise<CertificateAndKey> {
  const caCertificate = new x509.X509Certificate(ca.certPem);
  if (!new X509Certificate(ca.certPem).checkPrivateKey(createPrivateKey(ca.keyPem))) {
    throw new TypeError('the certificate authority key does not match its certificate');
  }
  const keys = await generateKeyPair();
  const notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  const commonName = subject.names[0] ?? subject.ips[0] ?? 'e-Consulat';
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: [{ CN: [commonName] }],
    issuer: caCertificate.subjectName,
    notBefore,
    notAfter: new Date(notBefore.getTime() + SERVER_VALIDITY_DAYS * DAY_MS),
    signingAlgorithm: EC_P256,
    publicKey: keys.publicKey,
    signingKey: await importSigningKey(ca.keyPem),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...subject.names.map((value) => ({ type: 'dns' as const, value })),
        ...subject.ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCertificate.publicKey),
    ],
  });
  return { certPem: certificate.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
}
