import type { ChangeFeed } from '../../live/change-feed.js';
import type { HubServices } from '../../services/hub-services.js';

/** Where the ministry's web pages live: `/web/…` (the JSON API keeps `/api/v1`). */
export const WEB_BASE = '/web';

/** A cookie's Secure flag as @fastify/cookie takes it: `auto` follows `request.protocol`. */
export type SecureCookies = boolean | 'auto';

/** The services the web pages call. */
export type HubWebServices = Pick<
  HubServices,
  'now' | 'auth' | 'dashboard' | 'missions' | 'directives' | 'exports' | 'users' | 'offsite'
>;

/** What the hub's web pages need. Tests build it directly. */
export interface HubWebDeps {
  readonly services: HubWebServices;
  /** Committed changes, pushed to open dashboards. */
  readonly changes: ChangeFeed;
  /** The cookies' Secure flag: forced, or `auto`, as the request came over HTTPS (config `http.secureCookies`). */
  readonly secureCookies: SecureCookies;
}
