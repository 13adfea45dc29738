import type { FastifyInstance } from 'fastify';
import { buildHubApp } from '../../hub/http/app.js';
import { loginRoutes } from '../../hub/http/auth/login-route.js';
import { requirePermission } from '../../hub/http/auth/require-permission.js';
import { userRoutes } from '../../hub/http/user-routes.js';
import { hubWebRoutes } from '../../hub/http/web/index.js';
import { createChangeFeed } from '../../hub/live/change-feed.js';
import { createHubMetrics } from '../../hub/metrics.js';
import { createHubServices, type HubServices } from '../../hub/services/hub-services.js';
import {
  type BootstrapResult,
  bootstrapUser,
  createPasswordPool,
  type PasswordHasher,
  totpCodeAt,
} from '../../hub/services/users/index.js';
import { HUB_ID, Identity, randomBytes, ready, sodium, TrustStore } from '../../protocol/index.js';
import type { TestStore } from './hub-db.js';
import { cookiesOf, csrfOf } from './hub-web.js';

/** A hub app with login, the account administration API and the web pages, on a hand-moved clock. */
export interface HubAdminApp {
  readonly app: FastifyInstance;
  readonly services: HubServices;
  readonly secretsKey: Uint8Array;
  readonly hasher: PasswordHasher;
  now(): Date;
  /** Moves the clock one TOTP step on, so the next code is fresh. */
  nextStep(): void;
  /** A ready account (password and confirmed TOTP), as `econsulat hub init` and the demo make them. */
  user(username: string, roles: string[]): Promise<BootstrapResult>;
  /** Logs in through the JSON API; the bearer token. */
  token(user: BootstrapResult): Promise<string>;
  /** Logs in through the form; the cookie header of the session and the CSRF cookie. */
  webLogin(user: BootstrapResult): Promise<string>;
  close(): Promise<void>;
}

/** Builds the app over a test's database, starting the clock at `start`. */
export async function openHubAdminApp(store: TestStore, start: Date): Promise<HubAdminApp> {
  await ready();
  let at = start.getTime();
  const now = () => new Date(at);
  // libsodium's lowest argon2id limits: the flows are the same, and the suite stays quick.
  const hasher = createPasswordPool({
    size: 1,
    opsLimit: sodium.crypto_pwhash_OPSLIMIT_MIN,
    memLimit: sodium.crypto_pwhash_MEMLIMIT_MIN,
  });
  const secretsKey = randomBytes(32);
  const services = createHubServices({
    db: store.db,
    hub: Identity.generate(HUB_ID),
    trust: new TrustStore(),
    secretsKey,
    metrics: createHubMetrics(store.db),
    publish: () => undefined,
    disconnect: () => undefined,
    now,
    hasher,
  });
  const app = await buildHubApp({ logLevel: 'silent' });
  const { auth } = services;
  await app.register(loginRoutes, { auth });
  await app.register(userRoutes, {
    users: services.users,
    guard: (permission) => requirePermission(permission, { auth }),
  });
  await app.register(hubWebRoutes, { services, changes: createChangeFeed(), secureCookies: false });
  await app.ready();
  const nextStep = () => {
    at += 30_000;
  };
  return {
    app,
    services,
    secretsKey,
    hasher,
    now,
    nextStep,
    user: (username, roles) =>
      bootstrapUser(store.db, { username, displayName: username, roles, secretsKey, now: now(), hasher }),
    async token(user) {
      nextStep();
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: {
          username: user.user.username,
          password: user.password,
          totp: totpCodeAt(user.totpSecret, now()),
        },
      });
      if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`);
      return (response.json() as { token: string }).token;
    },
    async webLogin(user) {
      nextStep();
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
      if (response.statusCode !== 303) throw new Error(`web login failed: ${response.statusCode}`);
      return `${csrfCookie}; ${cookiesOf(response.headers['set-cookie'])}`;
    },
    async close() {
      await app.close();
      await hasher.close();
    },
  };
}
