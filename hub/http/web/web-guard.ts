import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { can, type Permission } from '../../services/users/permissions.js';
import type { MinistryUser } from '../../services/users/user-rows.js';
import { sessionTokenOf } from './session-cookie.js';
import { type HubWebDeps, WEB_BASE } from './web-deps.js';

/** Ends a page guard with a redirect (303) instead of the page. */
export class WebRedirect extends Error {
  constructor(readonly location: string) {
    super(`redirect to ${location}`);
    this.name = 'WebRedirect';
  }
}

/** A page refused to the user's roles: shown as a 403 page. */
export class WebForbidden extends Error {
  readonly statusCode = 403;
  constructor(message = 'this page needs another role') {
    super(message);
    this.name = 'WebForbidden';
  }
}

/** The login page. */
export const LOGIN_PATH = `${WEB_BASE}/connexion`;

/** The user of the request's session cookie (and sets `request.user`), or null. */
export async function identifyUser(deps: HubWebDeps, request: FastifyRequest): Promise<MinistryUser | null> {
  const token = sessionTokenOf(request);
  const user = token ? await deps.services.auth.authenticate(token) : null;
  if (user) request.user = user;
  return user;
}

/**
 * A guard for a page: the login page without a live session, a 403 page without the permission
 * (deny by default, as `can` does). Sets `request.user`.
 */
export function webGuard(deps: HubWebDeps, permission: Permission): preHandlerAsyncHookHandler {
  return async (request) => {
    const user = await identifyUser(deps, request);
    if (user === null) throw new WebRedirect(LOGIN_PATH);
    if (!can(user, permission)) throw new WebForbidden();
  };
}

/** The user a guard admitted; a page without a guard is a programming error. */
export function webUser(request: FastifyRequest): MinistryUser {
  if (!request.user) throw new TypeError('hub web page registered without a guard');
  return request.user;
}
