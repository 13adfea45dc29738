import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { toHubWireError } from './errors.js';

/** The hub's fastify app with zod validation, security headers, rate limits and the error format. */
export async function buildHubApp(options: { logLevel: string }): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: options.logLevel, redact: ['req.headers.authorization'] },
    bodyLimit: 256 * 1024,
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
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
  return app;
}
