import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthService, LoginOutcome } from '../../services/users/auth-service.js';
import { loginResponse } from '../api-schemas.js';
import { toHubWireError } from '../errors.js';
import { errorResponses } from '../wire.js';
import { enrolmentRequiredResponse, enrolmentRoutes, sendLocked } from './enrolment-routes.js';
import { bearerToken, sendUnauthenticated } from './require-permission.js';

/** What the auth routes need: the ministry users' sessions. */
export interface LoginRouteOptions {
  readonly auth: AuthService;
}

/** DESIGN.md: `POST /auth/login` with `username`, `password`, `totp`; nothing else is accepted. */
export const loginBodySchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
  // The app's 6 digits, or a recovery code `XXXXX-XXXXX`; none yet at a first login.
  totp: z.string().min(1).max(32).optional(),
});

/**
 * `POST /api/v1/auth/login` → 200 `{ token, expiresAt, user }`; 401 `invalid_credentials` for any
 * failure; 423 `locked` (with Retry-After) after too many; 403 `totp_enrolment_required` with an
 * `enrolment` token when the password is right but TOTP is not enrolled yet (enrolment-routes.ts).
 * `POST /api/v1/auth/logout` with the bearer token → 204.
 */
export async function loginRoutes(app: FastifyInstance, options: LoginRouteOptions): Promise<void> {
  const { auth } = options;
  useHubErrorFormat(app);
  const api = app.withTypeProvider<ZodTypeProvider>();
  const loginSchema = {
    summary: 'Open a session with username, password and TOTP code (or a recovery code)',
    tags: ['auth'],
    body: loginBodySchema,
    response: { 200: loginResponse, ...errorResponses([401, 413, 423]), 403: enrolmentRequiredResponse },
  };
  api.post('/api/v1/auth/login', { schema: loginSchema }, async (request, reply) => {
    const outcome = await auth.login(request.body);
    // A token is in every answer but a refusal: none may be kept by a cache.
    void reply.header('cache-control', 'no-store');
    if (!outcome.ok) return refuse(reply, outcome);
    const { token, expiresAt, user } = outcome.session;
    const { username, displayName, roles } = user;
    return { token, expiresAt, user: { username, displayName, roles } };
  });
  enrolmentRoutes(app, auth);
  const logoutSchema = {
    summary: 'End the session of the bearer token',
    tags: ['auth'],
    response: { 204: z.undefined().describe('the session is over'), ...errorResponses([401]) },
  };
  api.post('/api/v1/auth/logout', { schema: logoutSchema }, async (request, reply) => {
    await endSession(auth, request, reply);
  });
}

// Encapsulated in this plugin: a bare app (tests, another host) still gets the hub's zod checks
// and its `{ error: { code, message, issues? } }` format, e.g. 400 for an unknown body field.
function useHubErrorFormat(app: FastifyInstance): void {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, request, reply) => {
    const wire = toHubWireError(error);
    if (wire.status >= 500) request.log.error({ err: error }, 'auth request failed');
    void reply.status(wire.status).send(wire.body);
  });
}

async function endSession(
  auth: AuthService,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const token = bearerToken(request);
  const user = token ? await auth.authenticate(token) : null;
  if (token === undefined || user === null) return sendUnauthenticated(reply);
  await auth.logout(token);
  return reply.status(204).send();
}

function refuse(reply: FastifyReply, refusal: Exclude<LoginOutcome, { ok: true }>): FastifyReply {
  if (refusal.refusal === 'locked') return sendLocked(reply, refusal);
  if (refusal.refusal === 'totp_enrolment_required') {
    return reply.status(403).send({
      error: { code: 'totp_enrolment_required', message: 'set up the authenticator app to log in' },
      enrolment: refusal.enrolment,
    });
  }
  return reply
    .status(401)
    .send({ error: { code: 'invalid_credentials', message: 'invalid username, password or code' } });
}
