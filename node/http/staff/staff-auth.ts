import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { can, type Permission, type StaffPrincipal, type StaffService } from '../../services/staff/index.js';
import { ApiError } from '../errors.js';
import { StaffHttpError, StaffHttpErrorCode } from './staff-http-errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated staff member, set by {@link requireStaff} / {@link requireSession}. */
    staff: StaffPrincipal | null;
    /** The token the principal was authenticated with (to log out, or rotate the cookie). */
    staffToken: string | null;
  }
}

/** Name of the back office's session cookie. */
export const SESSION_COOKIE = 'econsulat_staff';

/** Logins per minute and client address: enough for a mistyping agent, far too few for a guesser. */
export const LOGIN_RATE_LIMIT = { max: 10, timeWindow: '1 minute' } as const;

/** Adds the request decorations the guards fill; call once in each plugin scope that uses them. */
export function decorateStaffRequest(app: FastifyInstance): void {
  if (!app.hasRequestDecorator('staff')) app.decorateRequest('staff', null);
  if (!app.hasRequestDecorator('staffToken')) app.decorateRequest('staffToken', null);
}

/** The session token of a request: the cookie, or `Authorization: Bearer` for API clients. */
export function sessionToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer ([A-Za-z0-9_-]{20,128})$/.exec(header);
    return match?.[1];
  }
  const cookie = request.cookies[SESSION_COOKIE];
  return cookie !== undefined && cookie !== '' ? cookie : undefined;
}

/** Authenticates the request's token, filling `request.staff`; null when there is no live session. */
export function identify(staff: StaffService, request: FastifyRequest): StaffPrincipal | null {
  const token = sessionToken(request);
  const principal = token === undefined ? null : staff.authenticate(token);
  request.staff = principal;
  request.staffToken = principal ? (token ?? null) : null;
  return principal;
}

/** Sets the session cookie: HttpOnly, SameSite=Strict, Secure behind TLS, until the session ends. */
export function setSessionCookie(
  reply: FastifyReply,
  session: { token: string; expiresAt: string },
  secure: boolean,
): void {
  reply.setCookie(SESSION_COOKIE, session.token, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure,
    expires: new Date(session.expiresAt),
  });
}

/** Removes the session cookie. */
export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure });
}

/**
 * A guard for routes any logged-in account may use, even one that has not finished its enrolment
 * (the enrolment and password routes themselves). 401 without a live session.
 */
export function requireSession(staff: StaffService): preHandlerAsyncHookHandler {
  return async (request) => {
    if (!principalFor(staff, request)) throw new ApiError('unauthenticated', 'log in first');
  };
}

/**
 * A guard for a permission of the role table. Deny by default: 401 without a live session, 403
 * `enrolment_pending` until the password is changed and TOTP enrolled, 403 `forbidden` when no
 * role of the account grants the permission.
 */
export function requireStaff(staff: StaffService, permission: Permission): preHandlerAsyncHookHandler {
  return async (request) => {
    const principal = principalFor(staff, request);
    if (!principal) throw new ApiError('unauthenticated', 'log in first');
    assertAllowed(principal, permission);
  };
}

/** The principal the scope's session check found for this request, or the session's now. */
function principalFor(staff: StaffService, request: FastifyRequest): StaffPrincipal | null {
  return request.staff ?? identify(staff, request);
}

/** Throws the refusal of {@link requireStaff} for a principal already identified. */
export function assertAllowed(principal: StaffPrincipal, permission: Permission): void {
  if (principal.pending.length > 0) {
    throw new StaffHttpError(
      StaffHttpErrorCode.EnrolmentPending,
      `finish setting up the account first: ${principal.pending.join(', ')}`,
    );
  }
  if (!can(principal, permission)) throw new ApiError('forbidden', `this needs the ${permission} permission`);
}

/** The principal set by a guard; a route without a guard is a programming error. */
export function principalOf(request: FastifyRequest): StaffPrincipal {
  if (!request.staff) throw new TypeError('staff route registered without a guard');
  return request.staff;
}
