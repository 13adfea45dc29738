import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { dayOf } from '../../dashboards/period.js';
import { directiveCsv } from './directive-csv.js';
import { loadDirectiveDetail, MISSION_COLUMNS } from './directive-detail.js';
import { LIST_COLUMNS, loadDirectiveList } from './directive-list.js';
import type { HubWebDeps } from './web-deps.js';
import { webGuard } from './web-guard.js';

/**
 * `GET /web/export/directives.csv`: the directives list with its counts; `GET
 * /web/export/directives/<id>.csv`: one directive's state at each target mission. Same rows as the
 * pages they are linked from, for whoever may read directives.
 */
export async function directiveExports(app: FastifyInstance, deps: HubWebDeps): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const now = () => deps.now?.() ?? new Date();

  routes.get(
    '/export/directives.csv',
    { preHandler: webGuard(deps, 'directives.read') },
    async (_request, reply) => {
      const at = now();
      const rows = await loadDirectiveList(deps.db, at);
      return sendCsv(reply, `directives_${dayOf(at)}`, directiveCsv(LIST_COLUMNS, rows));
    },
  );

  routes.get(
    '/export/directives/:id.csv',
    {
      schema: { params: z.strictObject({ id: z.uuid() }) },
      preHandler: webGuard(deps, 'directives.read'),
    },
    async (request, reply) => {
      const detail = await loadDirectiveDetail(deps.db, request.params.id, now());
      if (!detail) return reply.callNotFound();
      return sendCsv(reply, `directive_${detail.id}`, directiveCsv(MISSION_COLUMNS, detail.missions));
    },
  );
}

function sendCsv(reply: FastifyReply, name: string, body: string): FastifyReply {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .header('cache-control', 'no-store')
    .send(body);
}
