import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthService, LockedRefusal } from '../../services/users/auth-service.js';
import { loginResponse } from '../api-schemas.js';
import { errorBodySchema, errorResponses, instantResponse } from '../wire.js';

const enrolmentTicket = z.object({
  token: z.string().describe('the enrolment step, for /auth/totp/enrol/*: never a bearer token'),
  expiresAt: instantResponse,
});

/** 403 of `POST /auth/login` on an account without TOTP: the error, and the enrolment step it opens. */
export const enrolmentRequiredResponse = errorBodySchema
  .extend({ enrolment: enrolmentTicket.optional() })
  .describe('totp_enrolment_required: the password is right, the authenticator app is still to be set up');

// The step's token travels in the body, never in Authorization: it cannot be taken for a session.
const tokenField = z.string().min(1).max(128);

const beginResponse = z.object({
  username: z.string(),
  secret: z.string().describe('base32, to type into the authenticator app'),
  uri: z.string().describe('otpauth:// URI, the text of the QR code'),
  expiresAt: instantResponse,
});

const confirmResponse = loginResponse.extend({
  recoveryCodes: z.array(z.string()).readonly().describe('ten single-use codes, shown this once'),
});

/**
 * The first-login enrolment of `POST /auth/login`'s 403 `totp_enrolment_required`:
 * `POST /api/v1/auth/totp/enrol/begin` `{ enrolmentToken }` → the secret and its URI (the same
 * until confirmed); `POST /api/v1/auth/totp/enrol/confirm` `{ enrolmentToken, code }` → the session
 * and the recovery codes. 401 `invalid_enrolment_token` for a step unknown, used or over; 400
 * `invalid_code` keeps the step; 423 `locked` as a login. Nothing here is cached.
 */
export function enrolmentRoutes(app: FastifyInstance, auth: AuthService): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const beginSchema = {
    summary: 'Show the TOTP secret of a first-login enrolment step',
    tags: ['auth'],
    body: z.strictObject({ enrolmentToken: tokenField }),
    response: { 200: beginResponse, ...errorResponses([401, 413]) },
  };
  api.post('/api/v1/auth/totp/enrol/begin', { schema: beginSchema }, async (request, reply) => {
    void reply.header('cache-control', 'no-store');
    const shown = await auth.showEnrolment(request.body.enrolmentToken);
    if (shown === null) return sendInvalidTicket(reply);
    return shown;
  });
  const confirmSchema = {
    summary: 'Confirm a first-login enrolment with a code of the app: the session and the recovery codes',
    tags: ['auth'],
    body: z.strictObject({ enrolmentToken: tokenField, code: z.string().min(1).max(32) }),
    response: { 200: confirmResponse, ...errorResponses([401, 413, 423]) },
  };
  api.post('/api/v1/auth/totp/enrol/confirm', { schema: confirmSchema }, async (request, reply) => {
    void reply.header('cache-control', 'no-store');
    const outcome = await auth.confirmEnrolment(request.body.enrolmentToken, request.body.code);
    if (outcome.ok) {
      const { token, expiresAt, user } = outcome.session;
      const { username, displayName, roles } = user;
      return {
        token,
        expiresAt,
        user: { username, displayName, roles },
        recoveryCodes: outcome.recoveryCodes,
      };
    }
    if (outcome.refusal === 'locked') return sendLocked(reply, outcome);
    if (outcome.refusal === 'invalid_enrolment_token') return sendInvalidTicket(reply);
    return reply
      .status(400)
      .send({ error: { code: 'invalid_code', message: 'this code does not match: check the phone clock' } });
  });
}

/** 423 `locked` with Retry-After, as login answers it. */
export function sendLocked(reply: FastifyReply, refusal: LockedRefusal): FastifyReply {
  void reply.header('retry-after', String(refusal.retryAfterSeconds));
  return reply.status(423).send({ error: { code: 'locked', message: refusal.message } });
}

function sendInvalidTicket(reply: FastifyReply): FastifyReply {
  return reply.status(401).send({
    error: {
      code: 'invalid_enrolment_token',
      message: 'this enrolment step is unknown, used or over: log in again',
    },
  });
}
