import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sendCsv } from './send-csv.js';
import type { HubWebDeps } from './web-deps.js';
import { webGuard } from './web-guard.js';

/**
 * `GET /web/export/directives.csv`: the directives list with its counts; `GET
 * /web/export/directives/<id>.csv`: one directive's state at each target mission. Same rows as the
 * pages they are linked from, for whoever may read directives.
 */
export async function directiveExports(app: FastifyInstance, deps: HubWebDeps): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { exports } = deps.services;

  routes.get(
    '/export/directives.csv',
    { preHandler: webGuard(deps, 'directives.read') },
    async (_request, reply) => sendCsv(reply, await exports.directives()),
  );

  routes.get(
    '/export/directives/:id.csv',
    {
      schema: { params: z.strictObject({ id: z.uuid() }) },
      preHandler: webGuard(deps, 'directives.read'),
    },
    async (request, reply) => {
      const file = await exports.directive(request.params.id);
      if (!file) return reply.callNotFound();
      return sendCsv(reply, file);
    },
  );
}
