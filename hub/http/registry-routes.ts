import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RegistryService } from '../services/registry/registry-service.js';
import { officerDecisionSchema } from '../services/registry/review.js';
import { queueQuerySchema } from '../services/registry/review-queue.js';
import {
  registryDecisionResponse,
  registryQueueResponse,
  registrySubmissionResponse,
} from './api-schemas.js';
import { guarded } from './wire.js';

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
    {
      preHandler: deps.guard('registry.read'),
      schema: {
        summary: 'Submissions of a status, oldest first (by default those waiting for an officer)',
        tags: ['registry'],
        querystring: queueQuerySchema,
        response: { 200: registryQueueResponse, ...guarded() },
      },
    },
    async (request) => deps.registry.queue(request.query),
  );

  api.get(
    '/api/v1/registry/submissions/:id',
    {
      preHandler: deps.guard('registry.read'),
      schema: {
        summary: 'A submission beside the registry persons the rules weighed, and its history',
        tags: ['registry'],
        params: submissionParams,
        response: { 200: registrySubmissionResponse, ...guarded([404]) },
      },
    },
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
      schema: {
        summary: "An officer's decision on a submission in review (audited)",
        tags: ['registry'],
        params: submissionParams,
        body: officerDecisionSchema,
        response: { 200: registryDecisionResponse, ...guarded([404, 409]) },
      },
    },
    // A RegistryReviewError reaches the error handler, which finds its status in the catalogue.
    async (request) => deps.registry.decide(request.params.id, request.body, deps.officer(request)),
  );
}

function notFound(reply: FastifyReply) {
  return reply.status(404).send({ error: { code: 'not_found', message: 'no such submission' } });
}
