import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { NodeConfig } from '../../node/config/config.js';
import { staffApiRoutes } from '../../node/http/api/staff/index.js';
import { buildHttpApp } from '../../node/http/app.js';
import { backofficeRoutes } from '../../node/http/backoffice/index.js';
import { liveRoutes } from '../../node/http/live/live-routes.js';
import { createNodeMetrics } from '../../node/metrics.js';
import { seedCalendars } from '../../node/services/appointments/calendar-seed.js';
import { seedCatalogue } from '../../node/services/catalogue/seed.js';
import { createDomain, type Domain } from '../../node/services/domain.js';
import {
  bootstrapAdmin,
  createStaffService,
  type StaffRole,
  totpCodeAt,
} from '../../node/services/staff/index.js';
import { parisNodeConfig } from './node-app.js';
import type { TempStore } from './node-store.js';
import { openTempStore } from './node-store.js';
import { type EnrolledUser, fastPasswordPool } from './staff-fixture.js';

/** Monday 2 March 2026, 08:00:10 in Paris: a working day, mid TOTP step. */
export const START = '2026-03-02T07:00:10.000Z';

/** A hand-moved clock shared by the domain, the staff service and the routes. */
export interface MovableClock {
  now(): Date;
  advance(ms: number): void;
}

/** A route of the app as registered. */
export interface StaffAppRoute {
  readonly method: string;
  readonly url: string;
  readonly hooked: boolean;
}

/** The node's staff side over a seeded Paris mission, with an administrator ready to log in. */
export interface StaffApp {
  readonly app: FastifyInstance;
  readonly domain: Domain;
  readonly temp: TempStore;
  readonly config: NodeConfig;
  readonly clock: MovableClock;
  readonly admin: EnrolledUser;
  /** Every route registered, with whether a hook runs before its handler (a guard, if any). */
  readonly routes: readonly StaffAppRoute[];
  /** A fresh TOTP code of a secret (moves the clock to the next step first). */
  code(secret: string): string;
  /** Creates an account and takes it through password change and TOTP enrolment. */
  enrolled(username: string, roles: StaffRole[]): Promise<EnrolledUser>;
  /** Logs in through the JSON API; returns the session cookie header and the token. */
  login(user: EnrolledUser): Promise<{ cookie: string; token: string }>;
  close(): Promise<void>;
}

/** Builds the app with the staff API, the back office and the live socket over a temporary store. */
export async function openStaffApp(): Promise<StaffApp> {
  const temp = await openTempStore();
  let at = Date.parse(START);
  const clock: MovableClock = {
    now: () => new Date(at),
    advance: (ms) => {
      at += ms;
    },
  };
  const config = parisNodeConfig(temp.dir);
  seedCatalogue(temp.store, { hostCurrency: 'EUR', now: clock.now() });
  seedCalendars(temp.store, clock.now());
  const hasher = await fastPasswordPool();
  const base = createDomain(temp.store, config, clock.now);
  const staff = createStaffService({ store: temp.store, hasher, now: clock.now });
  const domain: Domain = { ...base, staff, hasher };
  const app = await buildHttpApp({
    missionId: config.missionId,
    metrics: createNodeMetrics(config.missionId),
    logLevel: 'silent',
  });
  const routes: StaffAppRoute[] = [];
  app.addHook('onRoute', (route) => {
    const hooked = [route.onRequest, route.preHandler].some((hook) =>
      Array.isArray(hook) ? hook.length > 0 : !!hook,
    );
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, hooked });
  });
  await app.register(websocket);
  const deps = { domain, config, now: clock.now };
  await app.register(staffApiRoutes, deps);
  await app.register(backofficeRoutes, deps);
  await app.register(liveRoutes, deps);
  await app.ready();

  const code = (secret: string) => {
    clock.advance(30_000);
    return totpCodeAt(secret, clock.now());
  };
  const boot = await bootstrapAdmin(temp.store, 'root', { hasher, now: clock.now });
  const admin: EnrolledUser = {
    id: boot.user.id,
    username: 'root',
    password: boot.password,
    totpSecret: boot.totpSecret,
    recoveryCodes: boot.recoveryCodes,
  };
  const login = async (user: EnrolledUser) => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/staff/login',
      payload: { username: user.username, password: user.password, code: code(user.totpSecret) },
    });
    if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`);
    const token = (response.json() as { token: string }).token;
    return { cookie: `econsulat_staff=${token}`, token };
  };
  const enrolled = async (username: string, roles: StaffRole[]): Promise<EnrolledUser> => {
    const adminSession = staff.authenticate((await login(admin)).token);
    if (!adminSession) throw new Error('admin session does not authenticate');
    const created = await staff.createStaff(adminSession, {
      username,
      displayName: `Agent ${username}`,
      roles,
    });
    const first = await staff.login({ username, password: created.temporaryPassword });
    const password = `${username} walks along the Oubangui`;
    await staff.changePassword(first.user.id, {
      currentPassword: created.temporaryPassword,
      newPassword: password,
    });
    const { secret } = staff.beginTotpEnrolment(first.user.id);
    const { recoveryCodes } = staff.confirmTotpEnrolment(first.user.id, code(secret));
    return { id: first.user.id, username, password, totpSecret: secret, recoveryCodes };
  };
  return {
    app,
    domain,
    temp,
    config,
    clock,
    admin,
    routes,
    code,
    enrolled,
    login,
    close: async () => {
      await app.close();
      await base.close();
      await hasher.close();
      await temp.cleanup();
    },
  };
}

/** The CSRF token of the first form of a page. */
export function csrfOf(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no CSRF token on the page');
  return token;
}

/** Cookies set by a response, as a request's `cookie` header. */
export function cookiesOf(setCookie: string | string[] | undefined): string {
  const list = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
  return list.map((cookie) => cookie.split(';')[0]).join('; ');
}
