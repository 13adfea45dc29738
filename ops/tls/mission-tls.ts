import { X509Certificate } from 'node:crypto';
import { createMissionCa, type MissionName } from './mission-ca.js';
import { issueServerCertificate } from './server-certificate.js';
import type { ServerNames } from './server-names.js';
import {
  readMissionCa,
  type TlsPaths,
  tlsPaths,
  writeMissionCa,
  writeServerCertificate,
} from './tls-files.js';

/** What the operator is told after making or renewing the node's certificate. */
export interface TlsSummary {
  readonly paths: TlsPaths;
  /** SHA-256 of the authority's certificate, as browsers show it. */
  readonly caFingerprint: string;
  readonly caValidTo: string;
  readonly serverValidTo: string;
  /** The server certificate's subjectAltName, as node:crypto prints it. */
  readonly serverNames: string;
}

/** `node init`: the mission's authority and a first server certificate from it. */
export async function createMissionTls(
  dataDir: string,
  mission: MissionName,
  names: ServerNames,
  now = new Date(),
): Promise<TlsSummary> {
  const paths = tlsPaths(dataDir);
  const ca = await createMissionCa(mission, now);
  await writeMissionCa(paths, ca);
  const server = await issueServerCertificate(ca, names, now);
  await writeServerCertificate(paths, server);
  return summarise(paths, ca.certPem, server.certPem);
}

/**
 * A new server certificate from the mission's authority, for new names or addresses or before the
 * old one expires; the counters trust it at once (they trust the authority). The authority's key
 * may be read from elsewhere (`caKey`): a mission may keep it on a USB key in the safe.
 */
export async function renewServerCertificate(
  dataDir: string,
  names: ServerNames,
  options: { caKey?: string; now?: Date } = {},
): Promise<TlsSummary> {
  const paths = tlsPaths(dataDir);
  const ca = await readMissionCa({ caCert: paths.caCert, caKey: options.caKey ?? paths.caKey });
  const server = await issueServerCertificate(ca, names, options.now);
  await writeServerCertificate(paths, server);
  return summarise(paths, ca.certPem, server.certPem);
}

function summarise(paths: TlsPaths, caPem: string, serverPem: string): TlsSummary {
  const ca = new X509Certificate(caPem);
  const server = new X509Certificate(serverPem);
  return {
    paths,
    caFingerprint: ca.fingerprint256,
    caValidTo: new Date(ca.validTo).toISOString().slice(0, 10),
    serverValidTo: new Date(server.validTo).toISOString().slice(0, 10),
    serverNames: server.subjectAltName ?? '',
  };
}
