import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNodeConfig } from '../ops/commands/node.js';
import { tlsPaths } from '../ops/tls/tls-files.js';
import { econsulat } from './_util/processes/econsulat-cli.js';

const DAY_MS = 24 * 60 * 60 * 1000;

let dir: string;
let mission: string;
let printed: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'econsulat-node-tls-'));
  mission = join(dir, 'mission');
  printed = await econsulat(
    ...['node', 'init', '--mission', 'sn-dakar', '--name', 'Ambassade à Dakar', '--dir', mission],
    ...['--region', 'SN', '--currency', 'XOF', '--port', '8443', '--redirect-port', 'off'],
    ...['--tls-name', 'poste-accueil', '--tls-name', 'econsulat.ambassade.local'],
    ...['--tls-ip', '192.168.10.5', '--tls-ip', '127.0.0.1'],
  );
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function certificate(path: string): Promise<X509Certificate> {
  return new X509Certificate(await readFile(path));
}

const modeOf = async (path: string) => ((await stat(path)).mode & 0o777).toString(8);

describe('node init: the mission’s own certificate authority and the node’s certificate', () => {
  it('makes a P-256 authority that may sign server certificates and nothing below them', async () => {
    const paths = tlsPaths(mission);
    const ca = await certificate(paths.caCert);
    expect(ca.ca).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(ca.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(Date.parse(ca.validTo) - Date.now()).toBeGreaterThan(19 * 365 * DAY_MS);
    // pathLen 0 and keyCertSign are read back through the PEM's text: node:crypto shows neither.
    const text = execFileSync('openssl', ['x509', '-noout', '-text', '-in', paths.caCert], {
      encoding: 'utf8',
    });
    expect(text).toMatch(/CA:TRUE, pathlen:0/);
    expect(text).toMatch(/Certificate Sign/);
  });

  it('signs a server certificate with the authority for the names and addresses given, for serverAuth', async () => {
    const paths = tlsPaths(mission);
    const ca = await certificate(paths.caCert);
    const server = await certificate(paths.serverCert);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.subjectAltName).toBe(
      'DNS:poste-accueil, DNS:econsulat.ambassade.local, IP Address:192.168.10.5, IP Address:127.0.0.1',
    );
    expect(server.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(Date.parse(server.validTo) - Date.parse(server.validFrom)).toBeLessThanOrEqual(825 * DAY_MS);
    expect(server.checkPrivateKey(createPrivateKey(await readFile(paths.serverKey)))).toBe(true);
  });

  it('keeps both keys readable by their owner only, beside the mission’s other keys', async () => {
    const paths = tlsPaths(mission);
    expect(paths.caKey.startsWith(join(mission, 'keys'))).toBe(true);
    expect(await modeOf(paths.caKey)).toBe('600');
    expect(await modeOf(paths.serverKey)).toBe('600');
  });

  it('configures the node to serve HTTPS on the LAN with them, without the redirect it was told off', async () => {
    const config = await readNodeConfig(join(mission, 'node.json'));
    const paths = tlsPaths(mission);
    expect(config.http).toMatchObject({
      host: '0.0.0.0',
      port: 8443,
      redirectPort: false,
      tls: { certFile: paths.serverCert, keyFile: paths.serverKey },
    });
  });

  it('prints the authority’s SHA-256 fingerprint for the counters to check', async () => {
    const ca = await certificate(tlsPaths(mission).caCert);
    expect(printed).toContain(`SHA-256          ${ca.fingerprint256}`);
    expect(printed).toContain(tlsPaths(mission).caCert);
  });

  it('renews the server certificate from the same authority for new addresses, on a new key', async () => {
    const paths = tlsPaths(mission);
    const before = await readFile(paths.serverKey, 'utf8');
    const out = await econsulat(
      ...['node', 'tls', 'renew', '--config', join(mission, 'node.json')],
      ...['--tls-name', 'poste-accueil', '--tls-ip', '192.168.20.7'],
    );
    const ca = await certificate(paths.caCert);
    const server = await certificate(paths.serverCert);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.subjectAltName).toBe('DNS:poste-accueil, IP Address:192.168.20.7');
    expect(await readFile(paths.serverKey, 'utf8')).not.toBe(before);
    expect(await modeOf(paths.serverKey)).toBe('600');
    expect(out).toContain(ca.fingerprint256);
  }, 120_000);

  it('refuses a name a certificate cannot carry, and leaves the certificate as it was', async () => {
    const paths = tlsPaths(mission);
    const before = await readFile(paths.serverCert, 'utf8');
    await expect(
      econsulat(
        'node',
        'tls',
        'renew',
        '--config',
        join(mission, 'node.json'),
        '--tls-name',
        'poste_accueil',
      ),
    ).rejects.toThrow(/poste_accueil is not a host name/);
    expect(await readFile(paths.serverCert, 'utf8')).toBe(before);
  }, 120_000);
});
