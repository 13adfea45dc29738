import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken, isSameSecret } from './bearer-token.js';
import { wireError } from './wire-error.js';

/**
 * The `onRequest` hook of both sides' `GET /metrics`: the figures (missions, backlogs, refusals,
 * disk use) are for the operator's scraper, which sends `Authorization: Bearer <metrics.token>`.
 * Without a configured token the route answers 404, like any route the service does not serve: a
 * scraper pointed at it fails loudly, and nothing tells a stranger that figures exist. A missing
 * or wrong token is 403.
 */
export function metricsGuard(token: string | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const refusal =
      token === undefined
        ? wireError(404, 'not_found', 'no such resource')
        : isPresented(request, token)
          ? undefined
          : wireError(403, 'forbidden', 'the metrics token is missing or wrong');
    if (refusal) await reply.status(refusal.status).send(refusal.body);
  };
}

function isPresented(request: FastifyRequest, token: string): boolean {
  const given = bearerToken(request);
  return given !== undefined && isSameSecret(given, token);
}
