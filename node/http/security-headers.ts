import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/**
 * HSTS for a year (RFC 6797 §6.1), without includeSubDomains: the node speaks for its own name,
 * not for the other machines of the embassy's domain, which may still serve plain HTTP.
 */
const HSTS = 'max-age=31536000';

/**
 * Security headers from helmet, on every response. helmet's middleware is built once here:
 * @fastify/helmet builds it again on every request (parsing the CSP each time), which cost more
 * than a booking's zod validation on the node's hot paths. Strict-Transport-Security only on a
 * request that came over HTTPS (the node's own TLS, or a trusted proxy's X-Forwarded-Proto): over
 * plain HTTP a browser ignores it (RFC 6797 §8.1), and it would only mislead a reader.
 */
export function addSecurityHeaders(app: FastifyInstance): void {
  const apply = helmet({
    strictTransportSecurity: false,
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
    if (request.protocol === 'https') reply.raw.setHeader('strict-transport-security', HSTS);
    apply(request.raw, reply.raw, (error) => done(error instanceof Error ? error : undefined));
  });
}
