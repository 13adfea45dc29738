import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IssuedEnrolmentTicket } from '../../services/users/enrolment-tickets.js';
import { type SecureCookies, WEB_BASE } from './web-deps.js';

/** The first-login enrolment step's page. */
export const ENROLMENT_PATH = `${WEB_BASE}/connexion/totp`;

/** The enrolment step's token: a cookie of its own, sent only to the login pages, never a session. */
const ENROLMENT_COOKIE = 'econsulat_hub_enrolment';
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Sets the cookie of the step a right password opened on an account without TOTP. */
export function setEnrolmentCookie(
  reply: FastifyReply,
  ticket: IssuedEnrolmentTicket,
  secure: SecureCookies,
): void {
  reply.setCookie(ENROLMENT_COOKIE, ticket.token, {
    path: `${WEB_BASE}/connexion`,
    httpOnly: true,
    sameSite: 'strict',
    secure,
    expires: new Date(ticket.expiresAt),
  });
}

/** The enrolment step's token of a request's cookie, when it has the shape of one. */
export function enrolmentTokenOf(request: FastifyRequest): string | undefined {
  const value = request.cookies[ENROLMENT_COOKIE];
  return value !== undefined && TOKEN.test(value) ? value : undefined;
}

/** Removes the enrolment step's cookie: the step is confirmed, over or locked. */
export function clearEnrolmentCookie(reply: FastifyReply, secure: SecureCookies): void {
  reply.clearCookie(ENROLMENT_COOKIE, {
    path: `${WEB_BASE}/connexion`,
    httpOnly: true,
    sameSite: 'strict',
    secure,
  });
}
