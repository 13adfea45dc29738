import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { renderHubPage } from './render.js';
import { clearSessionCookie, sessionTokenOf, setSessionCookie } from './session-cookie.js';
import { type HubWebDeps, WEB_BASE } from './web-deps.js';
import { identifyUser, LOGIN_PATH } from './web-guard.js';

const loginForm = z.strictObject({
  _csrf: z.string().max(200),
  username: z.string().max(64),
  password: z.string().max(1024),
  totp: z.string().max(32),
});

/** Where a user lands after logging in. */
export const HOME_PATH = `${WEB_BASE}/tableau-de-bord`;

/** A login form is slow on purpose (argon2id); this many tries per address and minute at most. */
const LOGIN_RATE_LIMIT = { max: 20, timeWindow: '1 minute' };

/** The login form (username, password, TOTP or recovery code) and logout. */
export async function loginPages(app: FastifyInstance, deps: HubWebDeps): Promise<void> {
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const { auth } = deps.services;

  pages.get('/connexion', async (request, reply) => {
    if (await identifyUser(deps, request)) return reply.redirect(HOME_PATH, 303);
    return renderHubPage(request, reply, 'login', { title: 'Connexion', error: null, username: '' });
  });

  pages.post(
    '/connexion',
    { schema: { body: loginForm }, config: { rateLimit: LOGIN_RATE_LIMIT }, preHandler: app.csrfProtection },
    async (request, reply) => {
      const { username, password, totp } = request.body;
      const outcome = await auth.login({ username, password, totp: totp.trim() });
      if (outcome.ok) {
        setSessionCookie(reply, outcome.session, deps.secureCookies);
        return reply.redirect(HOME_PATH, 303);
      }
      const locked = outcome.refusal === 'locked';
      reply.status(locked ? 429 : 401);
      const message = locked
        ? 'Trop d’essais : compte bloqué pendant quelques minutes.'
        : 'Identifiant, mot de passe ou code incorrect.';
      return renderHubPage(request, reply, 'login', { title: 'Connexion', error: message, username });
    },
  );

  pages.post(
    '/deconnexion',
    { schema: { body: z.strictObject({ _csrf: z.string().max(200) }) }, preHandler: app.csrfProtection },
    async (request, reply) => {
      const token = sessionTokenOf(request);
      if (token !== undefined) await auth.logout(token);
      clearSessionCookie(reply, deps.secureCookies);
      return reply.redirect(`${LOGIN_PATH}?ok=logged_out`, 303);
    },
  );
}
