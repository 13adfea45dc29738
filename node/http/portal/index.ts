import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import csrfProtection from '@fastify/csrf-protection';
import view from '@fastify/view';
import { Eta } from 'eta';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hasSecureCookies } from '../secure-cookies.js';
import { bookingCodePages } from './booking-code-pages.js';
import { bookingPages } from './booking-pages.js';
import { createFormats } from './formats.js';
import { kioskPages } from './kiosk-pages.js';
import { managePages } from './manage-pages.js';
import { missionPages } from './mission-pages.js';
import { decoratePortalRequest } from './page-context.js';
import { setPortalErrorHandler } from './page-errors.js';
import type { PageSite } from './page-render.js';
import { paymentPages } from './payment-pages.js';
import { DEFAULT_PORTAL_RATE_LIMITS, type PortalDeps, type PortalPageDeps } from './portal-deps.js';
import { PORTAL_PATHS } from './portal-routes-list.js';
import { registrationPages } from './registration-pages.js';
import { rollCallPages } from './roll-call-pages.js';
import { servicePages } from './service-pages.js';
import { surveyPages } from './survey-pages.js';
import { trackingPages } from './tracking-pages.js';
import { visaPages } from './visa-pages.js';

export { DEFAULT_PORTAL_RATE_LIMITS, type PortalDeps, type PortalRateLimits } from './portal-deps.js';
export { PORTAL_FORM_ROUTES, PORTAL_PATHS, PORTAL_ROUTES, PORTAL_STEP_ROUTES } from './portal-routes-list.js';

const VIEWS = fileURLToPath(new URL('./views', import.meta.url));
const STYLESHEET = readFileSync(fileURLToPath(new URL('./assets/portal.css', import.meta.url)));
// The stylesheet's URL changes with its content, so browsers may keep it for a year.
const STYLESHEET_VERSION = createHash('sha256').update(STYLESHEET).digest('hex').slice(0, 10);
/** Portal forms are short texts; anything bigger is not one of them. */
const PORTAL_BODY_LIMIT = 16 * 1024;
/** The cookie holding the secret the portal's CSRF tokens derive from. */
const PORTAL_CSRF_COOKIE = 'econsulat_csrf';

/**
 * The citizen portal at `/`: server-rendered pages in fr, sg and en that work without JavaScript
 * (Eta, auto-escaping on), plain HTML forms with a CSRF token, one cached stylesheet. Register with
 * the node's app: `app.register(portalRoutes, deps)`.
 */
export async function portalRoutes(app: FastifyInstance, deps: PortalDeps): Promise<void> {
  const site: PageSite = {
    missionName: deps.config.missionName,
    formats: createFormats(deps.config.timeZone),
    stylesheet: `${PORTAL_PATHS.stylesheet}?v=${STYLESHEET_VERSION}`,
  };
  const pageDeps: PortalPageDeps = {
    ...deps,
    now: deps.now ?? (() => new Date()),
    limits: { ...DEFAULT_PORTAL_RATE_LIMITS, ...deps.rateLimits },
    site,
  };
  const secure = hasSecureCookies(deps.config.http);
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.bodyLimit ??= PORTAL_BODY_LIMIT;
    });
    decoratePortalRequest(scope, secure);
    await scope.register(view, {
      engine: { eta: new Eta({ views: VIEWS, autoEscape: true, autoTrim: [false, 'nl'] }) },
      root: VIEWS,
      production: true,
    });
    await scope.register(csrfProtection, {
      cookieKey: PORTAL_CSRF_COOKIE,
      cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict', secure },
      getToken: (request: FastifyRequest) =>
        (request.body as { _csrf?: unknown } | undefined)?._csrf as string,
    });
    setPortalErrorHandler(scope, site);
    scope.get(PORTAL_PATHS.stylesheet, { schema: { hide: true } }, (_request, reply) =>
      reply
        .type('text/css; charset=utf-8')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(STYLESHEET),
    );
    for (const pages of [
      missionPages,
      servicePages,
      bookingPages,
      bookingCodePages,
      managePages,
      trackingPages,
      paymentPages,
      registrationPages,
      surveyPages,
      rollCallPages,
      kioskPages,
      visaPages,
    ]) {
      await scope.register(pages, pageDeps);
    }
  });
}
