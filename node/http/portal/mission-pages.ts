import type { FastifyInstance } from 'fastify';
import { comingClosures, missionToday, weekHours } from './mission-calendar.js';
import { renderPage } from './page-render.js';
import type { PortalPageDeps } from './portal-deps.js';
import { PORTAL_PATHS } from './portal-routes-list.js';

/** The home page and the mission's page: address, contacts, opening hours and coming closures. */
export async function missionPages(app: FastifyInstance, deps: PortalPageDeps): Promise<void> {
  app.get(PORTAL_PATHS.home, { schema: { hide: true } }, async (request, reply) =>
    renderPage(request, reply, deps.site, { view: 'home', title: 'home.title', data: missionData(deps) }),
  );

  app.get(PORTAL_PATHS.mission, { schema: { hide: true } }, async (request, reply) =>
    renderPage(request, reply, deps.site, {
      view: 'mission',
      title: 'mission.title',
      data: missionData(deps),
    }),
  );
}

function missionData(deps: PortalPageDeps) {
  const { missionHours } = deps.domain;
  const today = missionToday(deps.now(), deps.config.timeZone);
  return {
    profile: deps.config.profile,
    timeZone: deps.config.timeZone,
    week: weekHours(missionHours.openingHours()),
    closures: comingClosures(missionHours.closures(), today, { days: 365, limit: 8 }),
  };
}
