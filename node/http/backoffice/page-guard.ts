import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can, type Permission, type StaffPrincipal } from '../../services/staff/index.js';
import { identify } from '../staff/staff-auth.js';
import type { StaffHttpDeps } from '../staff/staff-deps.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Where @fastify/csrf-protection (in its session mode) reads the secret its tokens derive from:
     * the staff session's own secret, or the login page's until there is a session.
     */
    session: { _csrf?: string } | null;
  }
}

/** Base path of the back-office pages. */
export const BACKOFFICE = '/staff';
/** The login form's CSRF secret, before any session exists. */
export const LOGIN_CSRF_COOKIE = 'econsulat_login_csrf';

/** An HTTP answer that ends a page guard: a redirect, or a refusal page. */
export class PageRedirect extends Error {
  constructor(readonly location: string) {
    super(`redirect to ${location}`);
  }
}

/** A refusal shown as a page (403 for a role that lacks the permission). */
export class PageForbidden extends Error {
  readonly statusCode = 403;
}

/** Adds the request decoration the CSRF plugin reads (once per scope). */
export function decorateCsrfSession(app: FastifyInstance): void {
  if (!app.hasRequestDecorator('session')) app.decorateRequest('session', null);
}

/**
 * A guard for a back-office page: the login page without a session, the account page while
 * enrolment is pending, a refusal page without the permission. Binds the CSRF secret to the session.
 */
export function pageGuard(deps: StaffHttpDeps, permission?: Permission) {
  return async (request: FastifyRequest): Promise<void> => {
    const principal = identify(deps.domain.staff, request);
    if (!principal) throw new PageRedirect(`${BACKOFFICE}/login`);
    request.session = { _csrf: principal.csrfSecret };
    if (permission === undefined) return;
    if (principal.pending.length > 0) throw new PageRedirect(`${BACKOFFICE}/compte`);
    if (!can(principal, permission)) throw new PageForbidden('this page needs another role');
  };
}

/** Binds the login form's CSRF secret (a cookie of its own) to the request, creating it if needed. */
export function bindLoginCsrf(request: FastifyRequest, reply: FastifyReply, secure: boolean): void {
  let secret = request.cookies[LOGIN_CSRF_COOKIE];
  if (secret === undefined || !/^[A-Za-z0-9_-]{24}$/.test(secret)) {
    secret = randomBytes(18).toString('base64url');
    reply.setCookie(LOGIN_CSRF_COOKIE, secret, {
      path: `${BACKOFFICE}/login`,
      httpOnly: true,
      sameSite: 'strict',
      secure,
    });
  }
  request.session = { _csrf: secret };
}

/** The principal a page guard admitted. */
export function pagePrincipal(request: FastifyRequest): StaffPrincipal {
  if (!request.staff) throw new TypeError('back-office page registered without a guard');
  return request.staff;
}
