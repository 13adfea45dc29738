import { readFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { nodeConfigSchema } from '../../node/config/config.js';
import { createNode, type MissionNode } from '../../node/index.js';
import { bootstrapAdmin, totpCodeAt } from '../../node/services/staff/index.js';
import { createMissionTls } from '../../ops/tls/mission-tls.js';
import { serverNames } from '../../ops/tls/server-names.js';
import type { TlsSummary } from '../../ops/tls/tls-summary.js';
import { Identity, ready, sodium } from '../../protocol/index.js';
import { makeTempDir } from './node-store.js';

/** A mission node serving HTTPS on 127.0.0.1 with its own authority's certificate, as `node init` makes it. */
export interface HttpsNode {
  readonly node: MissionNode;
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  /** The plain listener that redirects: `http://127.0.0.1:<port>` */
  readonly redirectUrl: string;
  readonly tls: TlsSummary;
  /** The mission's authority (PEM): what a counter is taught to trust. */
  readonly ca: Buffer;
  readonly admin: { readonly username: string; readonly password: string; readonly totpSecret: string };
  close(): Promise<void>;
}

/** Starts a Paris mission node over HTTPS (certificate for localhost and 127.0.0.1), with an administrator. */
export async function startHttpsNode(): Promise<HttpsNode> {
  await ready();
  const temp = await makeTempDir('econsulat-https-');
  const mission = { missionId: 'fr-paris', missionName: 'Ambassade de Centrafrique à Paris' };
  let node: MissionNode | undefined;
  try {
    const tls = await createMissionTls(temp.dir, mission, serverNames(['localhost'], ['127.0.0.1']));
    const config = nodeConfigSchema.parse({
      ...mission,
      dataDir: temp.dir,
      http: {
        host: '127.0.0.1',
        port: 0,
        redirectPort: 0,
        tls: { certFile: tls.paths.serverCert, keyFile: tls.paths.serverKey },
      },
      region: 'FR',
      hostCurrency: 'EUR',
      logLevel: 'silent',
    });
    node = await createNode(config, {
      identity: Identity.generate(config.missionId),
      dataKey: sodium.randombytes_buf(32),
    });
    const admin = await bootstrapAdmin(node.context.store, 'root');
    const url = (await node.start()).replace(/\/$/, '');
    const started = node;
    return {
      node: started,
      url,
      redirectUrl: started.redirectUrl() ?? '',
      tls,
      ca: await readFile(tls.paths.caCert),
      admin: { username: 'root', password: admin.password, totpSecret: admin.totpSecret },
      async close() {
        await started.close();
        await temp.cleanup();
      },
    };
  } catch (error) {
    await node?.close();
    await temp.cleanup();
    throw error;
  }
}

/** The administrator's login body for the staff JSON API, with a current TOTP code. */
export function adminLogin(node: HttpsNode): string {
  const { username, password, totpSecret } = node.admin;
  return JSON.stringify({ username, password, code: totpCodeAt(totpSecret, new Date()) });
}

/** What a raw request got back. */
export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Options of {@link fetchRaw}: TLS trust and name, method, headers and body. */
export interface RawRequest {
  readonly ca?: Buffer;
  readonly servername?: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/**
 * One request through node:http or node:https, redirects not followed: the answer as it came, and
 * with `ca` only that authority trusted (not the system's), as a counter that was taught it.
 */
export function fetchRaw(url: string, options: RawRequest = {}): Promise<RawResponse> {
  const target = new URL(url);
  const isHttps = target.protocol === 'https:';
  const send = isHttps ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        ...(isHttps ? { ca: options.ca, servername: options.servername, agent: false } : { agent: false }),
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
