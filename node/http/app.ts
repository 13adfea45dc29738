import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { buildApiApp, DEFAULT_BODY_LIMIT } from '../../common/http/api-app.js';
import type { NodeMetrics } from '../metrics.js';
import { NODE_ERROR_CATALOGUE } from './error-catalogue.js';
import { addSecurityHeaders } from './security-headers.js';

/** What the HTTP layer needs from the node to build its app. */
export interface HttpAppOptions {
  readonly missionId: string;
  readonly metrics: NodeMetrics;
  readonly logLevel: string;
  /** Largest accepted request body; larger ones get 413. */
  readonly bodyLimit?: number;
  /** Requests per minute and client address on routes without their own limit (default 600). */
  readonly rateLimitPerMinute?: number;
  /** The reverse proxies whose X-Forwarded-For names the client (config `http.trustProxy`). */
  readonly trustProxy?: readonly string[];
  /** Certificate and key: the node serves HTTPS (config `http.tls`). */
  readonly https?: { readonly cert: Buffer; readonly key: Buffer };
}

/**
 * Builds the node's fastify app: what both sides share (common/http/api-app.ts: zod validation,
 * the OpenAPI document, rate limits, the error format of DESIGN.md), and the node's own security
 * headers (pages with a strict CSP), compression for poor links, cookies, forms and request
 * metrics. Routes are registered by the caller.
 */
export async function buildHttpApp(options: HttpAppOptions): Promise<FastifyInstance> {
  const app = await buildApiApp({
    title: `e-Consulat mission node (${options.missionId})`,
    logLevel: options.logLevel,
    catalogue: NODE_ERROR_CATALOGUE,
    bodyLimit: options.bodyLimit,
    rateLimitPerMinute: options.rateLimitPerMinute,
    trustProxy: options.trustProxy,
    https: options.https,
  });
  addSecurityHeaders(app);
  await app.register(compress, { threshold: 512 });
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    options.metrics.httpRequests
      .labels(route, request.method, String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
    done();
  });
  return app;
}
