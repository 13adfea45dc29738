import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ENROLMENT_PATH, setEnrolmentCookie } from './enrolment-cookie.js';
import { renderHubPage } from './render.js';
import { clearSessionCookie, sessionTokenOf, setSessionCookie } from './session-cookie.js';
import { type HubWebDeps, WEB_BASE } from './web-deps.js';
import { identifyUser, LOGIN_PATH } from './web-guard.js';

const loginForm = z.strictObject({
  _csrf: z.string().max(200),
  username: z.string().max(64),
  password: z.string().max(1024),
  // Empty at a first login: the password then leads to the enrolment step.
  totp: z.string().max(32),
});

/** Where a user lands after logging in. */
export const HOME_PATH = `${WEB_BASE}/tableau-de-bord`;

/** A login form is slow on purpose (argon2id); this many tries per address and minute at most. */
export const LOGIN_RATE_LIMIT = { max: 20, timeWindow: '1 minute' };

const REFUSED = 'Identifiant, mot de passe ou code incorrect.';

/**
 * The login form (username, password, TOTP or recovery code) and logout. A right password on an
 * account without TOTP leads to the enrolment step (enrolment-pages.ts), not to a session.
 */
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
      const { username, password } = request.body;
      const totp = request.body.totp.trim();
      const outcome = await auth.login({ username, password, ...(totp ? { totp } : {}) });
      if (outcome.ok) {
        setSessionCookie(reply, outcome.session, deps.secureCookies);
        return reply.redirect(HOME_PATH, 303);
      }
      if (outcome.refusal === 'totp_enrolment_required') {
        setEnrolmentCookie(reply, outcome.enrolment, deps.secureCookies);
        return reply.redirect(ENROLMENT_PATH, 303);
      }
      if (outcome.refusal === 'locked') return lockedLoginPage(request, reply, username);
      reply.status(401);
      return renderHubPage(request, reply, 'login', { title: 'Connexion', error: REFUSED, username });
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

/** The login form after too many failures (429). */
export function lockedLoginPage(
  request: FastifyRequest,
  reply: FastifyReply,
  username: string,
): FastifyReply {
  reply.status(429);
  return renderHubPage(request, reply, 'login', {
    title: 'Connexion',
    error: 'Trop d’essais : compte bloqué pendant quelques minutes.',
    username,
  });
}
