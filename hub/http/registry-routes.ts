import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RegistryService } from '../services/registry/registry-service.js';
import { officerDecisionSchema, RegistryReviewError } from '../services/registry/review.js';
import { queueQuerySchema } from '../services/registry/review-queue.js';

/** What the registry review API needs. */
export interface RegistryRoutesDeps {
  readonly registry: RegistryService;
  /** A preHandler that lets through only callers holding the permission. */
  readonly guard: (permission: string) => preHandlerHookHandler;
  /** The authenticated officer's username, recorded in the audit trail. */
  readonly officer: (request: FastifyRequest) => string;
}

const submissionParams = z.strictObject({ id: z.uuid() });

/**
 * The registry officers' JSON API: the queue (`registry.read`), one submission with its candidates
 * side by side (`registry.read`), and the decision on it (`registry.review`, audited).
 */
export async function registryRoutes(app: FastifyInstance, deps: RegistryRoutesDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/v1/registry/queue',
    { preHandler: deps.guard('registry.read'), schema: { querystring: queueQuerySchema } },
    async (request) => deps.registry.queue(request.query),
  );

  api.get(
    '/api/v1/registry/submissions/:id',
    { preHandler: deps.guard('registry.read'), schema: { params: submissionParams } },
    async (request, reply) => {
      const detail = await deps.registry.submission(request.params.id);
      if (!detail) return notFound(reply);
      return detail;
    },
  );

  api.post(
    '/api/v1/registry/submissions/:id/decision',
    {
      preHandler: deps.guard('registry.review'),
      schema: { params: submissionParams, body: officerDecisionSchema },
    },
    async (request, reply) => {
      try {
        return await deps.registry.decide(request.params.id, request.body, deps.officer(request));
      } catch (error) {
        if (!(error instanceof RegistryReviewError)) throw error;
        return reply.status(error.status).send({ error: { code: error.code, message: error.message } });
      }
    },
  );
}

function notFound(reply: FastifyReply) {
  return reply.status(404).send({ error: { code: 'not_found', message: 'no such submission' } });
}
