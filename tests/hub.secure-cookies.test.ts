import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubConfig } from '../hub/config/config.js';
import { hubConfigFromEnv } from '../hub/config/env.js';
import { buildHubApp } from '../hub/http/app.js';
import { hubWebRoutes } from '../hub/http/web/index.js';
import { createChangeFeed } from '../hub/live/change-feed.js';
import { createHubMetrics } from '../hub/metrics.js';
import { createHubServices } from '../hub/services/hub-services.js';
import { type BootstrapResult, bootstrapUser, totpCodeAt } from '../hub/services/users/index.js';
import { HUB_ID, Identity, randomBytes, TrustStore } from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { cookiesOf, csrfOf } from './_util/hub-web.js';

const PROXY = '192.0.2.10';
const FORM = 'application/x-www-form-urlencoded';

/** How a request reaches the hub: its socket's address, and the headers a proxy adds. */
interface Origin {
  readonly remoteAddress: string;
  readonly headers: Record<string, string>;
}
const THROUGH_THE_PROXY: Origin = { remoteAddress: PROXY, headers: { 'x-forwarded-proto': 'https' } };
const PLAIN_LOOPBACK: Origin = { remoteAddress: '127.0.0.1', headers: {} };

/** The hub's configuration from its environment, with the data directory every test shares. */
function configOf(env: Record<string, string>): HubConfig['http'] {
  return hubConfigFromEnv({ HUB_DATA_DIR: '/tmp/econsulat-hub', ...env }).http;
}

function setCookies(response: { headers: Record<string, unknown> }): string[] {
  return [response.headers['set-cookie'] as string | string[] | undefined]
    .flat()
    .filter((c) => c !== undefined);
}

function cookieNamed(cookies: readonly string[], name: string): string {
  const cookie = cookies.find((c) => c.startsWith(`${name}=`));
  if (!cookie) throw new Error(`no ${name} cookie in ${cookies.join(' | ')}`);
  return cookie;
}

const isSecure = (cookie: string) => /;\s*Secure(;|$)/i.test(cookie);

describe('hub configuration of the cookies’ Secure flag', () => {
  it('is auto unless HUB_SECURE_COOKIES forces it, and refuses another word', () => {
    expect(configOf({}).secureCookies).toBe('auto');
    expect(configOf({ HUB_SECURE_COOKIES: '' }).secureCookies).toBe('auto');
    expect(configOf({ HUB_SECURE_COOKIES: 'auto' }).secureCookies).toBe('auto');
    expect(configOf({ HUB_SECURE_COOKIES: 'true' }).secureCookies).toBe(true);
    expect(configOf({ HUB_SECURE_COOKIES: 'false' }).secureCookies).toBe(false);
    expect(() => configOf({ HUB_SECURE_COOKIES: 'yes' })).toThrow(/secureCookies/);
  });
});

describe.each(storeBackends('hub secure cookies'))('hub web cookies on $name', (backend) => {
  let store: TestStore;
  let app: FastifyInstance | undefined;
  let users = 0;
  const secretsKey = randomBytes(32);
  // A TOTP code opens one session: each login is another user's.
  const newUser = (): Promise<BootstrapResult> => {
    users += 1;
    return bootstrapUser(store.db, {
      username: `directrice-${users}`,
      displayName: 'Directrice',
      roles: ['directorate'],
      secretsKey,
      now: new Date(),
    });
  };

  /** The web pages as `hub run` builds them from this environment. */
  const openHub = async (env: Record<string, string>) => {
    const http = configOf(env);
    const services = createHubServices({
      db: store.db,
      hub: Identity.generate(HUB_ID),
      trust: new TrustStore(),
      secretsKey,
      metrics: createHubMetrics(store.db),
      publish: () => undefined,
      disconnect: () => undefined,
    });
    app = await buildHubApp({ logLevel: 'silent', trustProxy: http.trustProxy });
    await app.register(hubWebRoutes, {
      services,
      changes: createChangeFeed(),
      secureCookies: http.secureCookies,
    });
    await app.ready();
    return app;
  };

  /** The login page, the login and the logout: every cookie each one sets. */
  const logInAndOut = async (hub: FastifyInstance, origin: Origin) => {
    const director = await newUser();
    const page = await hub.inject({ url: '/web/connexion', ...origin });
    const csrf = cookieNamed(setCookies(page), 'econsulat_hub_csrf');
    const login = await hub.inject({
      method: 'POST',
      url: '/web/connexion',
      remoteAddress: origin.remoteAddress,
      headers: { ...origin.headers, cookie: cookiesOf(csrf), 'content-type': FORM },
      payload: new URLSearchParams({
        _csrf: csrfOf(page.body),
        username: director.user.username,
        password: director.password,
        totp: totpCodeAt(director.totpSecret, new Date()),
      }).toString(),
    });
    expect(login.statusCode).toBe(303);
    const session = cookieNamed(setCookies(login), 'econsulat_hub_session');
    const home = await hub.inject({
      url: '/web/tableau-de-bord',
      remoteAddress: origin.remoteAddress,
      headers: { ...origin.headers, cookie: `${cookiesOf(csrf)}; ${cookiesOf(session)}` },
    });
    const logout = await hub.inject({
      method: 'POST',
      url: '/web/deconnexion',
      remoteAddress: origin.remoteAddress,
      headers: {
        ...origin.headers,
        cookie: `${cookiesOf(csrf)}; ${cookiesOf(session)}`,
        'content-type': FORM,
      },
      payload: new URLSearchParams({ _csrf: csrfOf(home.body) }).toString(),
    });
    expect(logout.statusCode).toBe(303);
    return { csrf, session, cleared: cookieNamed(setCookies(logout), 'econsulat_hub_session') };
  };

  beforeEach(async () => {
    store = await migratedStore(backend);
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await store?.dispose();
  });

  it('marks the CSRF and session cookies Secure behind a trusted TLS proxy, with no flag set', async () => {
    const hub = await openHub({ HUB_TRUST_PROXY: PROXY });
    const { csrf, session, cleared } = await logInAndOut(hub, THROUGH_THE_PROXY);
    expect(isSecure(csrf)).toBe(true);
    expect(isSecure(session)).toBe(true);
    expect(session).toMatch(/; HttpOnly;.*; SameSite=Strict$/);
    expect(isSecure(cleared)).toBe(true);
  });

  it('leaves them plain over HTTP on the loopback, as the demo runs, proxy trusted or not', async () => {
    for (const env of [{}, { HUB_TRUST_PROXY: PROXY }] as Record<string, string>[]) {
      const hub = await openHub(env);
      const { csrf, session, cleared } = await logInAndOut(hub, PLAIN_LOOPBACK);
      expect([csrf, session, cleared].map(isSecure)).toEqual([false, false, false]);
      await hub.close();
    }
  });

  it('believes X-Forwarded-Proto from the trusted proxy only', async () => {
    const hub = await openHub({ HUB_TRUST_PROXY: PROXY });
    const forged: Origin = { remoteAddress: '203.0.113.9', headers: { 'x-forwarded-proto': 'https' } };
    const { csrf, session } = await logInAndOut(hub, forged);
    expect([csrf, session].map(isSecure)).toEqual([false, false]);
  });

  it('marks them Secure always with HUB_SECURE_COOKIES=true, and never with false', async () => {
    const always = await openHub({ HUB_SECURE_COOKIES: 'true' });
    const plain = await logInAndOut(always, PLAIN_LOOPBACK);
    expect([plain.csrf, plain.session, plain.cleared].map(isSecure)).toEqual([true, true, true]);
    await always.close();
    const never = await openHub({ HUB_SECURE_COOKIES: 'false', HUB_TRUST_PROXY: PROXY });
    const proxied = await logInAndOut(never, THROUGH_THE_PROXY);
    expect([proxied.csrf, proxied.session, proxied.cleared].map(isSecure)).toEqual([false, false, false]);
  });
});
