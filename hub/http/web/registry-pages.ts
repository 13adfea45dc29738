import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { RegistryService } from '../../services/registry/registry-service.js';
import { officerDecisionSchema, RegistryReviewError } from '../../services/registry/review.js';
import { queueQuerySchema } from '../../services/registry/review-queue.js';
import { can } from '../../services/users/permissions.js';
import { registrySubmissionView } from './registry-view.js';
import { renderHubPage } from './render.js';
import { type HubWebDeps, WEB_BASE } from './web-deps.js';
import { webGuard, webUser } from './web-guard.js';

const QUEUE_PATH = `${WEB_BASE}/registre`;

const STATUS_LABEL = {
  review: 'À examiner',
  pending: 'En attente des règles',
  rejected: 'Rejetées',
} as const;

const DONE_LABEL: Readonly<Record<string, string>> = {
  match: 'Décision enregistrée : rattachée à la personne choisie. La mission en est informée.',
  new: 'Décision enregistrée : nouvelle personne, numéro national attribué. La mission en est informée.',
  reject: 'Décision enregistrée : rejetée. La mission doit reprendre le dossier.',
  keep: 'Note enregistrée : le dossier reste à examiner.',
};

const REFUSAL_LABEL: Readonly<Record<string, string>> = {
  already_decided: 'Ce dossier a déjà été tranché.',
  not_in_review: 'Les règles n’ont pas encore examiné ce dossier.',
  unknown_person: 'Cette personne n’existe pas au registre.',
  invalid_request: 'Choix incomplet : une note est demandée pour rejeter ou garder en examen.',
};

const params = z.strictObject({ id: z.uuid() });
const queuePageQuery = queueQuerySchema.extend({
  fait: z.enum(['match', 'new', 'reject', 'keep']).optional(),
});

// An HTML form sends every field as text, empty ones too: drop the empty ones before the schema.
const formBody = z.record(z.string(), z.unknown()).transform((fields) => {
  const { _csrf: _token, ...rest } = fields;
  return Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== ''));
});

/**
 * The registry officers' pages: the queue (`/web/registre`), one submission beside the registry
 * persons it was weighed against with the decision forms (`/web/registre/:id`). Same service and
 * audit as the JSON API.
 */
export function registryPages(registry: RegistryService): FastifyPluginAsync<HubWebDeps> {
  return async (app: FastifyInstance, deps: HubWebDeps) => {
    app.hubNav.add({ href: QUEUE_PATH, label: 'Registre', permission: 'registry.read', order: 40 });

    app.get('/registre', { preHandler: webGuard(deps, 'registry.read') }, async (request, reply) => {
      const query = queuePageQuery.parse(request.query);
      const { fait, ...filters } = query;
      const queue = await registry.queue(filters);
      return renderHubPage(request, reply, 'registry-queue', {
        title: 'Registre national',
        statuses: Object.entries(STATUS_LABEL).map(([value, label]) => ({
          value,
          label,
          current: value === queue.status,
        })),
        queue,
        done: fait ? DONE_LABEL[fait] : null,
      });
    });

    app.get('/registre/:id', { preHandler: webGuard(deps, 'registry.read') }, async (request, reply) =>
      submissionPage(request, reply, registry, params.parse(request.params).id, null),
    );

    app.post(
      '/registre/:id/decision',
      { preHandler: [webGuard(deps, 'registry.review'), app.csrfProtection] },
      async (request, reply) => {
        const { id } = params.parse(request.params);
        const decision = officerDecisionSchema.safeParse(formBody.parse(request.body ?? {}));
        if (!decision.success)
          return submissionPage(request, reply.status(400), registry, id, 'invalid_request');
        try {
          await registry.decide(id, decision.data, webUser(request).username);
        } catch (error) {
          if (!(error instanceof RegistryReviewError)) throw error;
          return submissionPage(request, reply.status(error.status), registry, id, error.code);
        }
        return reply.redirect(`${QUEUE_PATH}?fait=${decision.data.decision}`, 303);
      },
    );
  };
}

async function submissionPage(
  request: FastifyRequest,
  reply: FastifyReply,
  registry: RegistryService,
  id: string,
  refusal: string | null,
) {
  const detail = await registry.submission(id);
  if (!detail) return reply.callNotFound();
  return renderHubPage(request, reply, 'registry-submission', {
    title: 'Dossier à rapprocher',
    ...registrySubmissionView(detail),
    canDecide: can(request.user, 'registry.review') && detail.submission.status === 'review',
    refusal: refusal ? (REFUSAL_LABEL[refusal] ?? 'Demande refusée.') : null,
    action: `${QUEUE_PATH}/${id}/decision`,
  });
}
