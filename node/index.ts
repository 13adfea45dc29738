import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { NodeConfig } from './config/config.js';
import type { NodeSecrets } from './config/secrets.js';
import { createNodeContext, type NodeContext } from './context.js';
import { type HttpsRedirect, startHttpsRedirect } from './http/https-redirect.js';

/** A mission node: its HTTP app, its store and its link, started and stopped together. */
export interface MissionNode {
  readonly context: NodeContext;
  readonly app: FastifyInstance;
  /** Listens on the configured address; returns the URL. */
  start(): Promise<string>;
  /** The plain HTTP listener that redirects to HTTPS, once started (config `http.redirectPort`). */
  redirectUrl(): string | undefined;
  close(): Promise<void>;
}

/** Builds a mission node from its configuration and secrets; nothing listens until start(). */
export async function createNode(config: NodeConfig, secrets: NodeSecrets): Promise<MissionNode> {
  const context = await createNodeContext(config, secrets, await softwareVersion());
  let redirect: HttpsRedirect | undefined;
  return {
    context,
    app: context.app,
    async start() {
      // The redirect first: a port already taken fails the start before anything else listens.
      redirect = await redirectToHttps(config, context.app);
      try {
        const url = await context.app.listen({ host: config.http.host, port: config.http.port });
        context.startBackground();
        return url;
      } catch (error) {
        await redirect?.close();
        throw error;
      }
    },
    redirectUrl: () => redirect?.url,
    async close() {
      await redirect?.close();
      await context.close();
    },
  };
}

// Only beside HTTPS: a node on plain HTTP (the demo, tests, behind a proxy) serves that port itself.
async function redirectToHttps(config: NodeConfig, app: FastifyInstance): Promise<HttpsRedirect | undefined> {
  const { host, tls, redirectPort } = config.http;
  if (tls === undefined || redirectPort === false) return undefined;
  // Read at each request: with port 0 (tests) the HTTPS port is known only once it listens.
  const httpsPort = () => {
    const address = app.server.address();
    return typeof address === 'object' && address !== null ? address.port : config.http.port;
  };
  try {
    return await startHttpsRedirect({ host, port: redirectPort, httpsPort });
  } catch (error) {
    throw new Error(`cannot listen on ${host}:${redirectPort} to redirect to HTTPS (http.redirectPort)`, {
      cause: error,
    });
  }
}

async function softwareVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
