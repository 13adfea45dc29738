import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { buildApiApp } from '../../common/http/api-app.js';
import { HUB_ERROR_CATALOGUE } from './errors.js';

/**
 * The hub's fastify app: what both sides share (common/http/api-app.ts: zod validation, the
 * OpenAPI document of its JSON API at `GET /api/v1/openapi.json`, rate limits, the error format),
 * and helmet's security headers. Routes are registered by the caller.
 */
export async function buildHubApp(options: {
  logLevel: string;
  /** The reverse proxies whose X-Forwarded-For names the client (config `http.trustProxy`). */
  trustProxy?: readonly string[];
}): Promise<FastifyInstance> {
  const app = await buildApiApp({
    title: 'e-Consulat ministry hub',
    logLevel: options.logLevel,
    catalogue: HUB_ERROR_CATALOGUE,
    trustProxy: options.trustProxy,
  });
  await app.register(helmet);
  return app;
}
