import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { NodeMetrics } from '../metrics.js';
import { toWireError } from './errors.js';
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
}

/**
 * Builds the node's fastify app with what every route shares: zod validation and serialisation,
 * the OpenAPI document, security headers, compression, rate limits, cookies, the error format of
 * DESIGN.md, and request metrics. Routes are registered by the caller.
 */
export async function buildHttpApp(options: HttpAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: options.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    bodyLimit: options.bodyLimit ?? 256 * 1024,
    // Personal data never goes in URLs, but tracking numbers do: keep query strings out of logs.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(swagger, {
    openapi: { info: { title: `e-Consulat mission node (${options.missionId})`, version: '1' } },
    transform: jsonSchemaTransform,
  });
  addSecurityHeaders(app);
  await app.register(compress, { threshold: 512 });
  await app.register(rateLimit, {
    global: true,
    max: options.rateLimitPerMinute ?? 600,
    timeWindow: '1 minute',
  });
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: options.bodyLimit ?? 256 * 1024 });

  app.setErrorHandler((error, request, reply) => {
    const wire = toWireError(error);
    if (wire.status >= 500) request.log.error({ err: error }, 'request failed');
    void reply.status(wire.status).send(wire.body);
  });
  app.setNotFoundHandler((_request, reply) => {
    void reply.status(404).send({ error: { code: 'not_found', message: 'no such resource' } });
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    options.metrics.httpRequests
      .labels(route, request.method, String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
    done();
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, () => app.swagger());
  return app;
}
