import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { missionIdSchema } from '../../../protocol/index.js';
import { periodFilterSchema } from '../../dashboards/period.js';
import { dashboardView } from './dashboard-view.js';
import { renderHubPage } from './render.js';
import type { HubWebDeps } from './web-deps.js';
import { webGuard, webUser } from './web-guard.js';

/** The network's dashboard and each mission's, over a period (`?periode=` or `?du=&au=`). */
export async function dashboardPages(app: FastifyInstance, deps: HubWebDeps): Promise<void> {
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const { dashboard: dashboards } = deps.services;

  pages.get(
    '/tableau-de-bord',
    { schema: { querystring: periodFilterSchema }, preHandler: webGuard(deps, 'dashboard.read') },
    async (request, reply) => {
      const dashboard = await dashboards.load(request.query);
      return renderHubPage(request, reply, 'dashboard', {
        title: 'Tableau de bord du réseau',
        live: true,
        liveMission: '',
        ...dashboardView(dashboard, webUser(request), request.query),
      });
    },
  );

  pages.get(
    '/missions/:id',
    {
      schema: { params: z.strictObject({ id: missionIdSchema }), querystring: periodFilterSchema },
      preHandler: webGuard(deps, 'dashboard.read'),
    },
    async (request, reply) => {
      const dashboard = await dashboards.load(request.query, request.params.id);
      const mission = dashboard.links[0];
      if (!mission) return reply.callNotFound();
      return renderHubPage(request, reply, 'dashboard', {
        title: `${mission.name} (${mission.id})`,
        live: true,
        liveMission: mission.id,
        ...dashboardView(dashboard, webUser(request), request.query),
      });
    },
  );
}
