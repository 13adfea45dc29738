import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hasSecureCookies } from '../secure-cookies.js';
import { setSessionCookie } from '../staff/staff-auth.js';
import type { StaffHttpDeps } from '../staff/staff-deps.js';
import { BACKOFFICE, PageRedirect, pageGuard, pagePrincipal } from './page-guard.js';
import { done, renderPage } from './page-render.js';

const csrfField = z.string().max(200);

/**
 * The account page: the steps a new or reset account must take before anything else (password
 * change, TOTP enrolment with recovery codes shown once), and the password change later on.
 */
export async function accountPages(app: FastifyInstance, deps: StaffHttpDeps): Promise<void> {
  const { staff } = deps.domain;
  const secure = hasSecureCookies(deps.config.http);
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const guarded = [pageGuard(deps), app.csrfProtection];

  pages.get('/compte', { schema: { hide: true }, preHandler: pageGuard(deps) }, async (request, reply) => {
    const principal = pagePrincipal(request);
    return renderPage(request, reply, 'account', {
      title: 'Mon compte',
      pending: principal.pending,
      recoveryCodesLeft: principal.totpEnrolled ? staff.recoveryCodesLeft(principal.id) : null,
    });
  });

  pages.post(
    '/compte/mot-de-passe',
    {
      schema: {
        hide: true,
        body: z.strictObject({
          _csrf: csrfField,
          currentPassword: z.string().max(1024),
          newPassword: z.string().max(1024),
        }),
      },
      preHandler: guarded,
    },
    async (request, reply) => {
      const { currentPassword, newPassword } = request.body;
      const issued = await staff.changePassword(pagePrincipal(request).id, { currentPassword, newPassword });
      setSessionCookie(reply, issued, secure);
      return done(reply, '/compte', 'password');
    },
  );

  pages.post(
    '/compte/totp/debut',
    { schema: { hide: true, body: z.strictObject({ _csrf: csrfField }) }, preHandler: guarded },
    async (request, reply) => {
      const enrolment = staff.beginTotpEnrolment(pagePrincipal(request).id);
      return renderPage(request, reply, 'totp-enrol', { title: 'Double authentification', ...enrolment });
    },
  );

  pages.post(
    '/compte/totp/confirmer',
    {
      schema: { hide: true, body: z.strictObject({ _csrf: csrfField, code: z.string().max(64) }) },
      preHandler: guarded,
    },
    async (request, reply) => {
      const enrolled = staff.confirmTotpEnrolment(pagePrincipal(request).id, request.body.code);
      setSessionCookie(reply, enrolled.session, secure);
      // The page is shown under the new session: its forms carry the new session's token.
      request.staff = staff.authenticate(enrolled.session.token);
      if (!request.staff) throw new PageRedirect(`${BACKOFFICE}/login`);
      request.session = { _csrf: enrolled.session.csrfSecret };
      return renderPage(request, reply, 'recovery-codes', {
        title: 'Codes de secours',
        recoveryCodes: enrolled.recoveryCodes,
      });
    },
  );
}
