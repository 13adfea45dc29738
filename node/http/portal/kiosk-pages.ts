import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { hasSecureCookies } from '../secure-cookies.js';
import { KIOSK_COOKIE, portalOf } from './page-context.js';
import { KIOSK_IDLE_SECONDS, renderPage } from './page-render.js';
import type { PortalPageDeps } from './portal-deps.js';
import { PORTAL_PATHS } from './portal-routes-list.js';
import { langOnly } from './query-schemas.js';

/** Ten years: the tablet stays a kiosk until an agent opens the exit page. */
const KIOSK_COOKIE_SECONDS = 10 * 365 * 24 * 3600;

/**
 * The waiting-room tablet. Opening `/borne` once turns its browser into a kiosk (a cookie): large
 * type, big targets, and every other page returns here after {@link KIOSK_IDLE_SECONDS} idle seconds
 * through an HTTP `Refresh` header, which needs no script. `/borne/quitter` ends kiosk mode.
 */
export async function kioskPages(app: FastifyInstance, deps: PortalPageDeps): Promise<void> {
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const secure = hasSecureCookies(deps.config.http);

  pages.get(PORTAL_PATHS.kiosk, { schema: { hide: true, querystring: langOnly } }, async (request, reply) => {
    if (!portalOf(request).kiosk) {
      void reply.setCookie(KIOSK_COOKIE, '1', {
        path: '/',
        maxAge: KIOSK_COOKIE_SECONDS,
        sameSite: 'lax',
        httpOnly: true,
        secure,
      });
      request.portal = { ...portalOf(request), kiosk: true };
    }
    return renderPage(request, reply, deps.site, { view: 'kiosk', title: 'kiosk.title' });
  });

  pages.get(
    PORTAL_PATHS.kioskExit,
    { schema: { hide: true, querystring: langOnly } },
    async (_request, reply) => {
      void reply.clearCookie(KIOSK_COOKIE, { path: '/' });
      return reply.redirect(PORTAL_PATHS.home, 303);
    },
  );
}
