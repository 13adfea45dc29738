import type { NodeConfig } from '../../config/config.js';
import type { Domain } from '../../services/domain.js';
import type { PageSite } from './page-render.js';

/** Form submissions per minute and client address, by kind of portal form. */
export interface PortalRateLimits {
  /** Booking details (a place held, an SMS sent): against slot hoarding by bots. */
  readonly booking: number;
  /** SMS codes: six digits are guessed by volume. */
  readonly confirm: number;
  /** Cancel and reschedule, which test a phone number against a booking. */
  readonly change: number;
  /** Tracking, payment and survey look-ups with a secret: a birth date is a small space to guess in. */
  readonly lookup: number;
  /** Registrations and survey answers. */
  readonly submission: number;
  readonly checkout: number;
  /**
   * A roll-call's answer page: its link carries 128 random bits, which no volume guesses, while on
   * a crisis night many phones answer from behind one carrier address. The limit only bounds load.
   */
  readonly rollCallAnswer: number;
}

/**
 * The portal's limits. The waiting-room kiosk sends every visitor's forms from one address, so
 * these leave room for a queue of people, while a bot still meets them within a minute.
 */
export const DEFAULT_PORTAL_RATE_LIMITS: PortalRateLimits = {
  booking: 10,
  confirm: 10,
  change: 10,
  lookup: 10,
  submission: 5,
  checkout: 20,
  rollCallAnswer: 120,
};

/** What the portal needs from the node. */
export interface PortalDeps {
  readonly domain: Domain;
  readonly config: NodeConfig;
  readonly now?: () => Date;
  readonly rateLimits?: Partial<PortalRateLimits>;
}

/** The deps the page files work with, defaults applied. */
export interface PortalPageDeps extends PortalDeps {
  readonly now: () => Date;
  readonly site: PageSite;
  readonly limits: PortalRateLimits;
}

/** The route option of @fastify/rate-limit for `max` requests per minute per client address. */
export function perMinute(max: number) {
  return { rateLimit: { max, timeWindow: '1 minute' } } as const;
}

/** Who acts in the audit log when a citizen uses the portal. */
export const PORTAL_ACTOR = 'applicant:portal';

/** Who acts on the waiting-room tablet. */
export const KIOSK_ACTOR = 'applicant:kiosk';
