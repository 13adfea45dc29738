import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/**
 * Security headers from helmet, on every response. helmet's middleware is built once here:
 * @fastify/helmet builds it again on every request (parsing the CSP each time), which cost more
 * than a booking's zod validation on the node's hot paths.
 */
export function addSecurityHeaders(app: FastifyInstance): void {
  const apply = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  });
  app.addHook('onRequest', (request, reply, done) => {
    apply(request.raw, reply.raw, (error) => done(error instanceof Error ? error : undefined));
  });
}
