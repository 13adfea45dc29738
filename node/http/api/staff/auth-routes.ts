import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can, PERMISSIONS, type Permission } from '../../../services/staff/index.js';
import { hasSecureCookies } from '../../secure-cookies.js';
import {
  clearSessionCookie,
  LOGIN_RATE_LIMIT,
  principalOf,
  requireSession,
  sessionToken,
  setSessionCookie,
} from '../../staff/staff-auth.js';
import type { StaffHttpDeps } from '../../staff/staff-deps.js';

const loginBody = z.strictObject({
  username: z.string().max(64),
  password: z.string().max(1024),
  code: z.string().max(64).optional(),
});

/**
 * `/login`, `/logout`, `/me`, TOTP enrolment and password change. Every change of credentials
 * replaces the session (the staff service revokes the old ones), so the cookie is set again.
 */
export async function staffAuthRoutes(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const { staff } = deps.domain;
  const secure = hasSecureCookies(deps.config.http);
  const api = app.withTypeProvider<ZodTypeProvider>();
  const session = requireSession(staff);

  api.post(
    '/login',
    { schema: { body: loginBody }, config: { rateLimit: LOGIN_RATE_LIMIT } },
    async (request, reply) => {
      const result = await staff.login(request.body);
      setSessionCookie(reply, result, secure);
      return { user: result.user, pending: result.pending, token: result.token, expiresAt: result.expiresAt };
    },
  );

  api.post('/logout', async (request, reply) => {
    const token = sessionToken(request);
    if (token !== undefined) staff.logout(token);
    clearSessionCookie(reply, secure);
    return reply.status(204).send();
  });

  api.get('/me', { preHandler: session }, async (request) => {
    const principal = principalOf(request);
    const granted = (Object.keys(PERMISSIONS) as Permission[]).filter((permission) =>
      can(principal, permission),
    );
    const { csrfSecret: _secret, ...user } = principal;
    return { user, permissions: granted };
  });

  api.post('/totp/begin', { preHandler: session }, async (request) => {
    const enrolment = staff.beginTotpEnrolment(principalOf(request).id);
    return { secret: enrolment.secret, uri: enrolment.uri };
  });

  api.post(
    '/totp/confirm',
    { preHandler: session, schema: { body: z.strictObject({ code: z.string().max(64) }) } },
    async (request, reply) => {
      const enrolled = staff.confirmTotpEnrolment(principalOf(request).id, request.body.code);
      setSessionCookie(reply, enrolled.session, secure);
      return { recoveryCodes: enrolled.recoveryCodes, ...freshSession(staff, enrolled.session.token) };
    },
  );

  api.post(
    '/password',
    {
      preHandler: session,
      config: { rateLimit: LOGIN_RATE_LIMIT },
      schema: {
        body: z.strictObject({ currentPassword: z.string().max(1024), newPassword: z.string().max(1024) }),
      },
    },
    async (request, reply) => {
      const issued = await staff.changePassword(principalOf(request).id, request.body);
      setSessionCookie(reply, issued, secure);
      return freshSession(staff, issued.token);
    },
  );
}

function freshSession(staff: StaffHttpDeps['domain']['staff'], token: string) {
  const principal = staff.authenticate(token);
  return { token, pending: principal?.pending ?? [] };
}
