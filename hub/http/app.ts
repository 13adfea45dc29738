import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { toHubWireError } from './errors.js';

/**
 * The hub's fastify app with zod validation, the OpenAPI document of its JSON API (derived from the
 * routes' zod schemas, public at `GET /api/v1/openapi.json` like the node's), security headers,
 * rate limits and the error format. Routes are registered by the caller.
 */
export async function buildHubApp(options: { logLevel: string }): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: options.logLevel, redact: ['req.headers.authorization'] },
    bodyLimit: 256 * 1024,
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(swagger, {
    openapi: { info: { title: 'e-Consulat ministry hub', version: '1' } },
    transform: jsonSchemaTransform,
  });
  await app.register(helmet);
  await app.register(rateLimit, { global: true, max: 600, timeWindow: '1 minute' });
  app.setErrorHandler((error, request, reply) => {
    const wire = toHubWireError(error);
    if (wire.status >= 500) request.log.error({ err: error }, 'request failed');
    void reply.status(wire.status).send(wire.body);
  });
  app.setNotFoundHandler((_request, reply) => {
    void reply.status(404).send({ error: { code: 'not_found', message: 'no such resource' } });
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, () => app.swagger());
  return app;
}
