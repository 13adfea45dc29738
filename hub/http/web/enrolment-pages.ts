import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { EnrolmentShown } from '../../services/users/first-login-enrolment.js';
import { clearEnrolmentCookie, enrolmentTokenOf } from './enrolment-cookie.js';
import { HOME_PATH, LOGIN_RATE_LIMIT, lockedLoginPage } from './login-pages.js';
import { qrSvg } from './qr-svg.js';
import { renderHubPage } from './render.js';
import { setSessionCookie } from './session-cookie.js';
import type { HubWebDeps, SecureCookies } from './web-deps.js';
import { LOGIN_PATH } from './web-guard.js';

/**
 * `GET /web/connexion/totp`: the secret of the step (QR code, base32, otpauth:// URI) and the form
 * for the first code; `POST` confirms it, shows the recovery codes once and opens the session. A
 * wrong code shows the same secret again; a step over or used sends back to the login form. No
 * answer here is cached, and no page of the step has the menu: it opens nothing else.
 */
export async function enrolmentPages(app: FastifyInstance, deps: HubWebDeps): Promise<void> {
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const { auth } = deps.services;

  pages.get('/connexion/totp', async (request, reply) => {
    const token = enrolmentTokenOf(request);
    const shown = token === undefined ? null : await auth.showEnrolment(token);
    if (shown === null) return stepOver(reply, deps.secureCookies);
    return renderEnrolment(request, reply, shown, null);
  });

  pages.post(
    '/connexion/totp',
    {
      schema: { body: z.strictObject({ _csrf: z.string().max(200), code: z.string().max(32) }) },
      config: { rateLimit: LOGIN_RATE_LIMIT },
      preHandler: app.csrfProtection,
    },
    async (request, reply) => {
      const token = enrolmentTokenOf(request);
      if (token === undefined) return stepOver(reply, deps.secureCookies);
      const outcome = await auth.confirmEnrolment(token, request.body.code.trim());
      if (outcome.ok) {
        clearEnrolmentCookie(reply, deps.secureCookies);
        setSessionCookie(reply, outcome.session, deps.secureCookies);
        request.user = outcome.session.user;
        return renderHubPage(request, reply.header('cache-control', 'no-store'), 'recovery-codes', {
          title: 'Codes de secours',
          recoveryCodes: outcome.recoveryCodes,
          home: HOME_PATH,
        });
      }
      if (outcome.refusal === 'locked') {
        clearEnrolmentCookie(reply, deps.secureCookies);
        return lockedLoginPage(request, reply, '');
      }
      const shown = outcome.refusal === 'invalid_code' ? await auth.showEnrolment(token) : null;
      if (shown === null) return stepOver(reply, deps.secureCookies);
      reply.status(400);
      return renderEnrolment(
        request,
        reply,
        shown,
        'Ce code ne correspond pas : vérifiez l’heure du téléphone.',
      );
    },
  );
}

function renderEnrolment(
  request: FastifyRequest,
  reply: FastifyReply,
  shown: EnrolmentShown,
  error: string | null,
): FastifyReply {
  return renderHubPage(request, reply.header('cache-control', 'no-store'), 'totp-enrol', {
    title: 'Double authentification',
    ...shown,
    qrSvg: qrSvg(shown.uri),
    error,
  });
}

function stepOver(reply: FastifyReply, secure: SecureCookies): FastifyReply {
  clearEnrolmentCookie(reply, secure);
  return reply.redirect(`${LOGIN_PATH}?ok=enrolment_over`, 303);
}
