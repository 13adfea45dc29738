import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { NodeConfig } from './config/config.js';
import type { NodeSecrets } from './config/secrets.js';
import { createNodeContext, type NodeContext } from './context.js';

/** A mission node: its HTTP app, its store and its link, started and stopped together. */
export interface MissionNode {
  readonly context: NodeContext;
  readonly app: FastifyInstance;
  /** Listens on the configured address; returns the URL. */
  start(): Promise<string>;
  close(): Promise<void>;
}

/** Builds a mission node from its configuration and secrets; nothing listens until start(). */
export async function createNode(config: NodeConfig, secrets: NodeSecrets): Promise<MissionNode> {
  const context = await createNodeContext(config, secrets, await softwareVersion());
  return {
    context,
    app: context.app,
    async start() {
      const url = await context.app.listen({ host: config.http.host, port: config.http.port });
      context.startBackground();
      return url;
    },
    close: () => context.close(),
  };
}

async function softwareVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
