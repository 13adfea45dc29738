import { createMissionCa, type MissionName } from './mission-ca.js';
import { issueServerCertificate } from './server-certificate.js';
import type { ServerNames } from './server-names.js';
import { readMissionCa, tlsPaths, writeMissionCa, writeServerCertificate } from './tls-files.js';
import { summariseTls, type TlsSummary } from './tls-summary.js';

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
  return summariseTls(paths, ca.certPem, server.certPem);
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
  return summariseTls(paths, ca.certPem, server.certPem);
}
