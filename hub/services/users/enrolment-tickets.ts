import { newSessionToken, sessionTokenHash } from '../../../common/auth/index.js';
import { ready, toBase64Url } from '../../../protocol/index.js';

/** How long a first-login enrolment step stays open after the password was checked. */
export const ENROLMENT_TICKET_MS = 10 * 60_000;

/** What the client gets instead of a session: the ticket's token (shown once) and its end. */
export interface IssuedEnrolmentTicket {
  /** 32 random bytes, base64url: sent back in the body of the enrolment calls, never as a bearer. */
  readonly token: string;
  readonly expiresAt: string;
}

/** The account a ticket was earned for. */
export interface TicketHolder {
  readonly id: string;
  readonly username: string;
  /** The hash the password matched: a password changed since voids the ticket. */
  readonly passwordHash: string;
}

/** An open enrolment step. */
export interface EnrolmentTicket {
  readonly holder: TicketHolder;
  readonly expiresAt: Date;
  /** The secret shown for this ticket, once shown: the same one each time it is shown again. */
  secret?: string;
}

/**
 * First-login enrolment steps, kept in the hub's memory: each is short-lived, used once, and one
 * per account (a new login replaces the account's previous step). A restart forgets them, which
 * costs the user a new login and nothing else. Only the token's hash is kept, as for sessions.
 */
export interface EnrolmentTickets {
  issue(holder: TicketHolder, now: Date): Promise<IssuedEnrolmentTicket>;
  /** The open ticket of a token, or undefined when unknown, used or past its end. */
  find(token: string, now: Date): Promise<EnrolmentTicket | undefined>;
  /** Takes the ticket out: true for the one caller that got it, so it serves once. */
  take(token: string): Promise<boolean>;
}

/** An empty store of enrolment steps; `lifetimeMs` is their length. */
export function createEnrolmentTickets(lifetimeMs = ENROLMENT_TICKET_MS): EnrolmentTickets {
  const byToken = new Map<string, EnrolmentTicket>();
  const byUser = new Map<string, string>();
  const forget = (key: string) => {
    const ticket = byToken.get(key);
    if (ticket !== undefined && byUser.get(ticket.holder.id) === key) byUser.delete(ticket.holder.id);
    byToken.delete(key);
  };
  const dropExpired = (now: Date) => {
    for (const [key, ticket] of byToken) if (ticket.expiresAt <= now) forget(key);
  };
  return {
    async issue(holder, now) {
      dropExpired(now);
      const previous = byUser.get(holder.id);
      if (previous !== undefined) forget(previous);
      const token = newSessionToken();
      const key = (await keyOf(token)) as string;
      const expiresAt = new Date(now.getTime() + lifetimeMs);
      byToken.set(key, { holder, expiresAt });
      byUser.set(holder.id, key);
      return { token, expiresAt: expiresAt.toISOString() };
    },
    async find(token, now) {
      const key = await keyOf(token);
      const ticket = key === undefined ? undefined : byToken.get(key);
      if (ticket === undefined || key === undefined) return undefined;
      if (ticket.expiresAt > now) return ticket;
      forget(key);
      return undefined;
    },
    async take(token) {
      const key = await keyOf(token);
      if (key === undefined || !byToken.has(key)) return false;
      forget(key);
      return true;
    },
  };
}

async function keyOf(token: string): Promise<string | undefined> {
  if (typeof token !== 'string') return undefined;
  await ready();
  const hash = sessionTokenHash(token);
  return hash === undefined ? undefined : toBase64Url(hash);
}
