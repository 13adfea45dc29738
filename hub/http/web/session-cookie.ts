import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IssuedSession } from '../../services/users/sessions.js';
import { type SecureCookies, WEB_BASE } from './web-deps.js';

/** The web session cookie: the same bearer token the JSON API issues, kept where scripts cannot read it. */
export const SESSION_COOKIE = 'econsulat_hub_session';

// A token is 32 bytes in base64url (hub/services/users/sessions.ts).
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The session token of a request's cookie, when it has the shape of one. */
export function sessionTokenOf(request: FastifyRequest): string | undefined {
  const value = request.cookies[SESSION_COOKIE];
  return value !== undefined && TOKEN.test(value) ? value : undefined;
}

/** HttpOnly, SameSite=Strict, Secure behind TLS, only for the web pages, until the session's end. */
export function setSessionCookie(reply: FastifyReply, session: IssuedSession, secure: SecureCookies): void {
  reply.setCookie(SESSION_COOKIE, session.token, {
    path: WEB_BASE,
    httpOnly: true,
    sameSite: 'strict',
    secure,
    expires: new Date(session.expiresAt),
  });
}

/** Removes the session cookie. */
export function clearSessionCookie(reply: FastifyReply, secure: SecureCookies): void {
  reply.clearCookie(SESSION_COOKIE, { path: WEB_BASE, httpOnly: true, sameSite: 'strict', secure });
}
