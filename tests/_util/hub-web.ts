import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Database } from '../../hub/db/database.js';
import { buildHubApp } from '../../hub/http/app.js';
import { type HubWebDeps, hubWebRoutes } from '../../hub/http/web/index.js';
import { type ChangeFeed, createChangeFeed } from '../../hub/live/change-feed.js';
import { createHubMetrics } from '../../hub/metrics.js';
import { createHubServices, type HubServices } from '../../hub/services/hub-services.js';
import { type BootstrapResult, bootstrapUser, totpCodeAt } from '../../hub/services/users/index.js';
import { HUB_ID, Identity, randomBytes, TrustStore } from '../../protocol/index.js';

/** The hub's web pages on a fresh app over a test's database, with one user per role asked for. */
export interface HubWebApp {
  readonly app: FastifyInstance;
  readonly services: HubServices;
  readonly changes: ChangeFeed;
  readonly secretsKey: Uint8Array;
  /** Creates a user with these roles (a ready password and TOTP secret). */
  user(username: string, roles: string[]): Promise<BootstrapResult>;
  /** Logs in through the form; returns the cookie header of the session (and the CSRF cookie). */
  login(user: BootstrapResult): Promise<string>;
  close(): Promise<void>;
}

/** Who signs what the pages send down, and where it goes: a hub of the test's own, or a throwaway one. */
export interface WebIssuer {
  readonly hub: Identity;
  readonly trust: TrustStore;
  readonly publish: (missionId: string, envelope: Uint8Array) => void;
}

/** Builds the hub app with the web pages; `now` is the services' clock (sessions, TOTP, periods). */
export async function openHubWeb(
  db: Database,
  now: () => Date = () => new Date(),
  pages: readonly FastifyPluginAsync<HubWebDeps>[] = [],
  issuer: WebIssuer = throwawayIssuer(),
): Promise<HubWebApp> {
  const secretsKey = randomBytes(32);
  const changes = createChangeFeed();
  const services = createHubServices({
    db,
    ...issuer,
    secretsKey,
    metrics: createHubMetrics(db),
    disconnect: () => undefined,
    now,
  });
  const app = await buildHubApp({ logLevel: 'silent' });
  await app.register(hubWebRoutes, { services, changes, secureCookies: false, pages });
  await app.ready();
  return {
    app,
    services,
    changes,
    secretsKey,
    user: (username, roles) =>
      bootstrapUser(db, { username, displayName: username, roles, secretsKey, now: now() }),
    async login(user) {
      const page = await app.inject({ url: '/web/connexion' });
      const csrfCookie = cookiesOf(page.headers['set-cookie']);
      const response = await app.inject({
        method: 'POST',
        url: '/web/connexion',
        headers: { cookie: csrfCookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          _csrf: csrfOf(page.body),
          username: user.user.username,
          password: user.password,
          totp: totpCodeAt(user.totpSecret, now()),
        }).toString(),
      });
      if (response.statusCode !== 303) throw new Error(`login failed: ${response.statusCode}`);
      return `${csrfCookie}; ${cookiesOf(response.headers['set-cookie'])}`;
    },
    close: () => app.close(),
  };
}

function throwawayIssuer(): WebIssuer {
  return { hub: Identity.generate(HUB_ID), trust: new TrustStore(), publish: () => undefined };
}

/** The CSRF token of the first form of a page. */
export function csrfOf(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no CSRF token on the page');
  return token;
}

/** Cookies a response sets, as a request's `cookie` header. */
export function cookiesOf(setCookie: string | string[] | undefined): string {
  const list = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
  return list.map((cookie) => cookie.split(';')[0]).join('; ');
}
