import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { LockoutPolicy, PasswordHasher } from '../../../common/auth/index.js';
import type { Database } from '../../db/database.js';
import { login } from '../../services/users/login.js';
import { assertSecretsKey } from '../../services/users/secret-box.js';
import {
  authenticate,
  DEFAULT_SESSION_POLICY,
  logout,
  type SessionPolicy,
} from '../../services/users/sessions.js';
import { UserError, UserErrorCode } from '../../services/users/user-errors.js';
import { loginResponse } from '../api-schemas.js';
import { toHubWireError } from '../errors.js';
import { errorResponses } from '../wire.js';
import { bearerToken, sendUnauthenticated } from './require-permission.js';

/** What the auth routes need. */
export interface LoginRouteOptions {
  readonly db: Database;
  /** 32 bytes: opens TOTP secrets and keys recovery-code hashes. */
  readonly secretsKey: Uint8Array;
  readonly now?: () => Date;
  readonly hasher?: PasswordHasher;
  readonly sessions?: SessionPolicy;
  readonly lockout?: LockoutPolicy;
}

/** DESIGN.md: `POST /auth/login` with `username`, `password`, `totp`; nothing else is accepted. */
export const loginBodySchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
  // The app's 6 digits, or a recovery code `XXXXX-XXXXX`.
  totp: z.string().min(1).max(32),
});

/**
 * `POST /api/v1/auth/login` → 200 `{ token, expiresAt, user }`; 401 `invalid_credentials` for any
 * failure; 423 `locked` (with Retry-After) after too many. `POST /api/v1/auth/logout` with the
 * bearer token → 204.
 */
export async function loginRoutes(app: FastifyInstance, options: LoginRouteOptions): Promise<void> {
  assertSecretsKey(options.secretsKey);
  const now = options.now ?? (() => new Date());
  useHubErrorFormat(app);
  const api = app.withTypeProvider<ZodTypeProvider>();
  const loginSchema = {
    summary: 'Open a session with username, password and TOTP code (or a recovery code)',
    tags: ['auth'],
    body: loginBodySchema,
    response: { 200: loginResponse, ...errorResponses([401, 413, 423]) },
  };
  api.post('/api/v1/auth/login', { schema: loginSchema }, async (request, reply) => {
    const at = now();
    try {
      const result = await login(options.db, request.body, at, options);
      const { username, displayName, roles } = result.user;
      return { token: result.token, expiresAt: result.expiresAt, user: { username, displayName, roles } };
    } catch (error) {
      if (error instanceof UserError) return refuse(reply, error, at);
      throw error;
    }
  });
  const logoutSchema = {
    summary: 'End the session of the bearer token',
    tags: ['auth'],
    response: { 204: z.undefined().describe('the session is over'), ...errorResponses([401]) },
  };
  api.post('/api/v1/auth/logout', { schema: logoutSchema }, async (request, reply) => {
    await endSession(options, request, reply, now());
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
  options: LoginRouteOptions,
  request: FastifyRequest,
  reply: FastifyReply,
  at: Date,
): Promise<FastifyReply> {
  const token = bearerToken(request);
  const policy = options.sessions ?? DEFAULT_SESSION_POLICY;
  const user = token ? await authenticate(options.db, token, at, policy) : null;
  if (token === undefined || user === null) return sendUnauthenticated(reply);
  await logout(options.db, token, at);
  return reply.status(204).send();
}

function refuse(reply: FastifyReply, error: UserError, at: Date): FastifyReply {
  if (error.code === UserErrorCode.Locked) {
    const until = Date.parse(String(error.details.lockedUntil));
    const seconds = Math.max(1, Math.ceil((until - at.getTime()) / 1000));
    void reply.header('retry-after', String(Number.isFinite(seconds) ? seconds : 900));
    return reply.status(423).send({ error: { code: 'locked', message: error.message } });
  }
  return reply
    .status(401)
    .send({ error: { code: 'invalid_credentials', message: 'invalid username, password or code' } });
}
