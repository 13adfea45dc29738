import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { missionIdSchema } from '../../../protocol/index.js';
import { periodFilterSchema } from '../../dashboards/period.js';
import { can } from '../../services/users/permissions.js';
import type { MinistryUser } from '../../services/users/user-rows.js';
import { auditAlertView } from './audit-alert-view.js';
import { dashboardView } from './dashboard-view.js';
import { offsiteAlertView } from './offsite-alert-view.js';
import { renderHubPage } from './render.js';
import type { HubWebDeps, HubWebServices } from './web-deps.js';
import { webGuard, webUser } from './web-guard.js';

/** The network's dashboard and each mission's, over a period (`?periode=` or `?du=&au=`). */
export async function dashboardPages(app: FastifyInstance, deps: HubWebDeps): Promise<void> {
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const { dashboard: dashboards } = deps.services;

  pages.get(
    '/tableau-de-bord',
    { schema: { querystring: periodFilterSchema }, preHandler: webGuard(deps, 'dashboard.read') },
    async (request, reply) => {
      const user = webUser(request);
      const [dashboard, auditAlert, offsiteAlert] = await Promise.all([
        dashboards.load(request.query),
        auditAlertFor(deps.services, user),
        offsiteAlertFor(deps.services),
      ]);
      return renderHubPage(request, reply, 'dashboard', {
        title: 'Tableau de bord du réseau',
        live: true,
        liveMission: '',
        auditAlert,
        offsiteAlert,
        offsiteOff: !deps.services.offsite.isEnabled,
        ...dashboardView(dashboard, user, request.query),
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
      const user = webUser(request);
      const [dashboard, auditAlert, offsiteAlert] = await Promise.all([
        dashboards.load(request.query, request.params.id),
        auditAlertFor(deps.services, user, request.params.id),
        offsiteAlertFor(deps.services, request.params.id),
      ]);
      const mission = dashboard.links[0];
      if (!mission) return reply.callNotFound();
      return renderHubPage(request, reply, 'dashboard', {
        title: `${mission.name} (${mission.id})`,
        live: true,
        liveMission: mission.id,
        auditAlert,
        offsiteAlert,
        offsiteOff: !deps.services.offsite.isEnabled,
        ...dashboardView(dashboard, user, request.query),
      });
    },
  );
}

/** The missions without a stored off-site backup for too long (every reader of the dashboards). */
async function offsiteAlertFor(services: Pick<HubWebServices, 'offsite'>, missionId?: string) {
  return offsiteAlertView(await services.offsite.overdue(missionId));
}

/**
 * The missions whose audit log HQ flagged, for those who may read the audit (auditors and the
 * directorate, who act on it): a mission's own log is the audit trail, not a network figure.
 */
async function auditAlertFor(
  services: Pick<HubWebServices, 'dashboard'>,
  user: MinistryUser,
  missionId?: string,
) {
  if (!can(user, 'audit.read')) return null;
  return auditAlertView(await services.dashboard.auditAnomalies(missionId));
}
