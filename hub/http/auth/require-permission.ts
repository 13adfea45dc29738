import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { AuthService } from '../../services/users/auth-service.js';
import { can, type Permission } from '../../services/users/permissions.js';
import type { MinistryUser } from '../../services/users/user-rows.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The ministry user behind the bearer token, once {@link requirePermission} let the request through. */
    user?: MinistryUser;
  }
}

/** What the guard needs to resolve a bearer token. */
export interface AuthGuardOptions {
  readonly auth: Pick<AuthService, 'authenticate'>;
}

// RFC 6750 §2.1: "Bearer" is case-insensitive; the token is base64url here, checked later.
const BEARER = /^Bearer[ ]+([A-Za-z0-9_-]{1,128})[ ]*$/i;

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  return BEARER.exec(header)?.[1];
}

/**
 * A preHandler that lets through only a live session whose user holds the permission, and sets
 * `request.user`. 401 `unauthenticated` without a valid token, 403 `forbidden` without the
 * permission (deny by default: an unknown permission name is forbidden to everyone).
 */
export function requirePermission(
  permission: Permission | (string & {}),
  options: AuthGuardOptions,
): preHandlerAsyncHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const token = bearerToken(request);
    const user = token ? await options.auth.authenticate(token) : null;
    if (user === null) return sendUnauthenticated(reply);
    if (!can(user, permission)) {
      return reply.status(403).send({ error: { code: 'forbidden', message: 'this role may not do that' } });
    }
    request.user = user;
  };
}

/** 401 `unauthenticated`, naming the scheme the client should use (RFC 6750 §3). */
export function sendUnauthenticated(reply: FastifyReply): FastifyReply {
  return reply
    .status(401)
    .header('www-authenticate', 'Bearer realm="econsulat-hub"')
    .send({ error: { code: 'unauthenticated', message: 'a valid bearer token is required' } });
}
