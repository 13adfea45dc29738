import type { NodeConfig } from '../../../config/config.js';
import type { Domain } from '../../../services/domain.js';

/** Requests per minute and per client address, by kind of public route. */
export interface PublicRateLimits {
  /** Catalogue and slot listings: cheap reads. */
  readonly read: number;
  /** New bookings and waiting-list entries: against slot hoarding by bots. */
  readonly booking: number;
  /** SMS codes: six digits are guessed by volume, across bookings. */
  readonly confirm: number;
  /** Cancel and reschedule, which test a phone number against a booking. */
  readonly change: number;
  /** A file's status by its tracking number, without a secret. */
  readonly lookup: number;
  /** A file's details with a secret: a birth date is a small space to guess in. */
  readonly lookupWithSecret: number;
  /** Files opened and registrations submitted online. */
  readonly submission: number;
  readonly checkout: number;
}

/** The limits the node starts with. */
export const DEFAULT_PUBLIC_RATE_LIMITS: PublicRateLimits = {
  read: 120,
  booking: 10,
  confirm: 10,
  change: 10,
  lookup: 60,
  lookupWithSecret: 10,
  submission: 5,
  checkout: 20,
};

/** What the public API needs from the node. */
export interface PublicApiDeps {
  readonly domain: Domain;
  readonly config: NodeConfig;
  /** The clock of date checks made before the domain's (default: the real one). */
  readonly now?: () => Date;
  readonly rateLimits?: Partial<PublicRateLimits>;
}

/** The deps every route file works with, defaults applied. */
export interface PublicRouteDeps extends PublicApiDeps {
  readonly now: () => Date;
  readonly limits: PublicRateLimits;
}

/** The route option of @fastify/rate-limit for `max` requests per minute per client address. */
export function perMinute(max: number) {
  return { rateLimit: { max, timeWindow: '1 minute' } } as const;
}

/** Who acts in the audit log when an applicant uses the public API. */
export const PUBLIC_ACTOR = 'applicant:online';
