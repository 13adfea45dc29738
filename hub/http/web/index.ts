import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import csrfProtection from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import view from '@fastify/view';
import { Eta } from 'eta';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { dashboardPages } from './dashboard-pages.js';
import { directiveExports } from './directive-exports.js';
import { directiveFormPages } from './directive-form-pages.js';
import { directivePages } from './directive-pages.js';
import { enrolmentPages } from './enrolment-pages.js';
import { exportRoutes } from './export-routes.js';
import { liveSocket } from './live-socket.js';
import { HOME_PATH, loginPages } from './login-pages.js';
import { missionPages } from './mission-pages.js';
import { HubNav } from './nav.js';
import { setWebErrorHandlers } from './page-errors.js';
import { userAccountPages } from './user-account-pages.js';
import { userPages } from './user-pages.js';
import { type HubWebDeps, WEB_BASE } from './web-deps.js';

export type { NavEntry } from './nav.js';
export { renderHubPage } from './render.js';
export { type HubWebDeps, type HubWebServices, WEB_BASE } from './web-deps.js';
export { webGuard, webUser } from './web-guard.js';

const VIEWS = fileURLToPath(new URL('./views', import.meta.url));
const ASSETS = fileURLToPath(new URL('./assets', import.meta.url));

/** The one stylesheet and the live-update script (CSP: nothing inline). */
const STATIC_FILES: Readonly<Record<string, string>> = {
  'hub.css': 'text/css; charset=utf-8',
  'live.js': 'text/javascript; charset=utf-8',
};

/**
 * The page groups of the web, each a plugin registered in the web scope with {@link HubWebDeps}.
 * A new group (a page file and its views in ./views) is one more entry here; it adds its menu
 * entry with `app.hubNav.add(…)` and renders with `renderHubPage`.
 */
const WEB_PAGES: readonly FastifyPluginAsync<HubWebDeps>[] = [
  loginPages,
  enrolmentPages,
  dashboardPages,
  missionPages,
  directivePages,
  directiveFormPages,
  directiveExports,
  exportRoutes,
  userPages,
  userAccountPages,
  liveSocket,
];

/** The web's dependencies, and page groups to add after the built-in ones (see {@link WEB_PAGES}). */
export interface HubWebOptions extends HubWebDeps {
  readonly pages?: readonly FastifyPluginAsync<HubWebDeps>[];
}

/**
 * The ministry's web pages under `/web`: server-rendered with Eta (auto-escaping on), plain HTML
 * forms with a CSRF token, a cookie session for ministry users (password + TOTP), one stylesheet
 * and one small script, live updates over a websocket. `/` redirects to the dashboard.
 */
export async function hubWebRoutes(app: FastifyInstance, options: HubWebOptions): Promise<void> {
  const { pages = [], ...deps } = options;
  app.get('/', { schema: { hide: true } }, (_request, reply) => reply.redirect(HOME_PATH, 303));
  await app.register(
    async (scope) => {
      // Pages, not the JSON API: none of them goes in the OpenAPI document.
      scope.addHook('onRoute', (route) => {
        route.schema = { ...route.schema, hide: true };
      });
      scope.setValidatorCompiler(validatorCompiler);
      scope.setSerializerCompiler(serializerCompiler);
      scope.decorate('hubNav', new HubNav());
      if (!scope.hasRequestDecorator('cookies')) await scope.register(cookie);
      await scope.register(formbody, { bodyLimit: 16 * 1024 });
      await scope.register(view, {
        engine: { eta: new Eta({ views: VIEWS, autoEscape: true, autoTrim: [false, 'nl'] }) },
        root: VIEWS,
        production: true,
      });
      await scope.register(csrfProtection, {
        cookieKey: 'econsulat_hub_csrf',
        cookieOpts: { path: WEB_BASE, httpOnly: true, sameSite: 'strict', secure: deps.secureCookies },
        getToken: (request: FastifyRequest) => (request.body as { _csrf?: string } | undefined)?._csrf,
      });
      setWebErrorHandlers(scope);
      serveStatic(scope);
      scope.get('/', (_request, reply) => reply.redirect(HOME_PATH, 303));
      for (const group of [...WEB_PAGES, ...pages]) await scope.register(group, deps);
    },
    { prefix: WEB_BASE },
  );
}

function serveStatic(scope: FastifyInstance): void {
  for (const [name, type] of Object.entries(STATIC_FILES)) {
    const body = readFileSync(`${ASSETS}/${name}`);
    scope.get(`/assets/${name}`, (_request, reply) =>
      reply.type(type).header('cache-control', 'public, max-age=3600').send(body),
    );
  }
}
