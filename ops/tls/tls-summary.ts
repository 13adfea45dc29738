import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type TlsPaths, tlsPaths } from './tls-files.js';

/** What the operator is told after making or renewing the node's certificate. */
export interface TlsSummary {
  readonly paths: TlsPaths;
  /** SHA-256 of the authority's certificate, as browsers show it (`AB:CD:…`). */
  readonly caFingerprint: string;
  readonly caValidTo: string;
  readonly serverValidTo: string;
  /** The server certificate's subjectAltName, as node:crypto prints it. */
  readonly serverNames: string;
}

/** The summary of the certificates as they are on disk in a mission's data directory. */
export async function readTlsSummary(dataDir: string): Promise<TlsSummary> {
  const paths = tlsPaths(dataDir);
  return summariseTls(paths, await readFile(paths.caCert, 'utf8'), await readFile(paths.serverCert, 'utf8'));
}

/** The summary of an authority and a server certificate (PEM). */
export function summariseTls(paths: TlsPaths, caPem: string, serverPem: string): TlsSummary {
  const ca = new X509Certificate(caPem);
  const server = new X509Certificate(serverPem);
  const day = (date: string) => new Date(date).toISOString().slice(0, 10);
  return {
    paths,
    caFingerprint: ca.fingerprint256,
    caValidTo: day(ca.validTo),
    serverValidTo: day(server.validTo),
    serverNames: server.subjectAltName ?? '',
  };
}
