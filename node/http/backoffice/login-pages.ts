import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { StaffError } from '../../services/staff/index.js';
import { hasSecureCookies } from '../secure-cookies.js';
import {
  clearSessionCookie,
  identify,
  LOGIN_RATE_LIMIT,
  sessionToken,
  setSessionCookie,
} from '../staff/staff-auth.js';
import type { StaffHttpDeps } from '../staff/staff-deps.js';
import { BACKOFFICE, bindLoginCsrf, LOGIN_CSRF_COOKIE, pageGuard } from './page-guard.js';
import { homePath, renderPage } from './page-render.js';

const loginForm = z.strictObject({
  _csrf: z.string().max(200),
  username: z.string().max(64),
  password: z.string().max(1024),
  code: z.string().max(64),
});

const REFUSALS: Readonly<Record<string, string>> = {
  account_locked: 'Trop d’essais : compte bloqué pendant quelques minutes.',
  invalid_input: 'Identifiant, mot de passe ou code incorrect.',
};

/** The login form (username, password, TOTP or recovery code) and logout. */
export async function loginPages(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const { staff } = deps.domain;
  const secure = hasSecureCookies(deps.config.http);
  const pages = app.withTypeProvider<ZodTypeProvider>();

  pages.get('/login', { schema: { hide: true } }, async (request, reply) => {
    const principal = identify(staff, request);
    if (principal) return reply.redirect(homePath(principal), 303);
    bindLoginCsrf(request, reply, secure);
    return renderPage(request, reply, 'login', { title: 'Connexion', error: null, username: '' });
  });

  pages.post(
    '/login',
    {
      schema: { hide: true, body: loginForm },
      config: { rateLimit: LOGIN_RATE_LIMIT },
      preHandler: [async (request, reply) => bindLoginCsrf(request, reply, secure), app.csrfProtection],
    },
    async (request, reply) => {
      const { username, password, code } = request.body;
      try {
        const result = await staff.login({
          username,
          password,
          ...(code.trim() ? { code: code.trim() } : {}),
        });
        setSessionCookie(reply, result, secure);
        reply.clearCookie(LOGIN_CSRF_COOKIE, { path: `${BACKOFFICE}/login` });
        return reply.redirect(homePath({ roles: result.user.roles, pending: result.pending }), 303);
      } catch (error) {
        if (!(error instanceof StaffError)) throw error;
        reply.status(error.code === 'account_locked' ? 429 : 401);
        const message = REFUSALS[error.code] ?? 'Identifiant, mot de passe ou code incorrect.';
        return renderPage(request, reply, 'login', { title: 'Connexion', error: message, username });
      }
    },
  );

  pages.post(
    '/logout',
    {
      schema: { hide: true, body: z.strictObject({ _csrf: z.string().max(200) }) },
      preHandler: [pageGuard(deps), app.csrfProtection],
    },
    async (request, reply) => {
      const token = sessionToken(request);
      if (token !== undefined) staff.logout(token);
      clearSessionCookie(reply, secure);
      return reply.redirect(`${BACKOFFICE}/login`, 303);
    },
  );
}
