import type { FastifyInstance } from 'fastify';
import { formatCell } from '../../dashboards/format.js';
import { renderHubPage } from './render.js';
import { type HubWebDeps, WEB_BASE } from './web-deps.js';
import { webGuard } from './web-guard.js';

/** The missions and their links now, each leading to its dashboard. */
export async function missionPages(app: FastifyInstance, deps: HubWebDeps): Promise<void> {
  app.get('/missions', { preHandler: webGuard(deps, 'missions.read') }, async (request, reply) => {
    const links = await deps.services.missions.links();
    return renderHubPage(request, reply, 'missions', {
      title: 'Missions',
      live: true,
      liveMission: '',
      csvHref: `${WEB_BASE}/export/liaisons.csv`,
      missions: links.map((link) => ({
        id: link.id,
        name: link.name,
        href: `${WEB_BASE}/missions/${encodeURIComponent(link.id)}`,
        online: link.online,
        lastSeenAt: formatCell(link.lastSeenAt, 'instant'),
        lastSyncAt: formatCell(link.lastSyncAt, 'instant'),
        backlog: formatCell(link.backlog, 'int'),
        backlogOldestAt: formatCell(link.backlogOldestAt, 'instant'),
      })),
    });
  });
}
