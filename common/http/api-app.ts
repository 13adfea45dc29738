import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { toWireError } from './to-wire-error.js';

/** What differs between the node's app and the hub's. */
export interface ApiAppOptions {
  /** The OpenAPI document's title. */
  readonly title: string;
  readonly logLevel: string;
  /** The side's error catalogue, code → status (errorCatalogue). */
  readonly catalogue: ReadonlyMap<string, number>;
  /** Largest accepted request body; larger ones get 413 (default 256 KiB). */
  readonly bodyLimit?: number;
  /** Requests per minute and client address on routes without their own limit (default 600). */
  readonly rateLimitPerMinute?: number;
  /**
   * Addresses or CIDR blocks of the reverse proxies in front (default none). A request from one of
   * them is the client's named in X-Forwarded-For (its nearest untrusted hop); from anyone else,
   * the header is ignored. Limits and logs per client then see the clients, not the proxy.
   */
  readonly trustProxy?: readonly string[];
  /** Certificate and key (PEM): the app serves HTTPS itself. */
  readonly https?: { readonly cert: Buffer; readonly key: Buffer };
}

/** The default body limit of both apps. */
export const DEFAULT_BODY_LIMIT = 256 * 1024;

/**
 * A fastify app with what both sides' HTTP layers share: zod validation and serialisation, the
 * OpenAPI document of the routes' zod schemas at `GET /api/v1/openapi.json`, a global rate limit
 * per client address, the wire error format of DESIGN.md for anything thrown and for unknown
 * routes, and logs without credentials or query strings. Each side adds its own plugins and routes.
 */
export async function buildApiApp(options: ApiAppOptions): Promise<FastifyInstance> {
  const trustProxy = options.trustProxy ?? [];
  // With `https` fastify types the app over an https.Server; it is typed here as the HTTP one:
  // routes and hooks use only what requests of both servers share.
  const app = Fastify({
    logger: { level: options.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Personal data never goes in URLs, but tracking numbers do: keep query strings out of logs.
    logController: new LogController({ disableRequestLogging: true }),
    // A list goes to proxy-addr, which checks each hop of X-Forwarded-For from the socket inwards.
    trustProxy: trustProxy.length > 0 ? [...trustProxy] : false,
    ...(options.https ? { https: { cert: options.https.cert, key: options.https.key } } : {}),
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(swagger, {
    openapi: { info: { title: options.title, version: '1' } },
    transform: jsonSchemaTransform,
  });
  await app.register(rateLimit, {
    global: true,
    max: options.rateLimitPerMinute ?? 600,
    timeWindow: '1 minute',
  });
  app.setErrorHandler((error, request, reply) => {
    const wire = toWireError(error, options.catalogue);
    if (wire.status >= 500) request.log.error({ err: error }, 'request failed');
    void reply.status(wire.status).send(wire.body);
  });
  app.setNotFoundHandler((_request, reply) => {
    void reply.status(404).send({ error: { code: 'not_found', message: 'no such resource' } });
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, () => app.swagger());
  return app;
}
