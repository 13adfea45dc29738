import type { FastifyInstance } from 'fastify';
import type { NodeConfig } from '../../node/config/config.js';
import { staffApiRoutes } from '../../node/http/api/staff/index.js';
import { buildHttpApp } from '../../node/http/app.js';
import { backofficeRoutes } from '../../node/http/backoffice/index.js';
import { portalRoutes } from '../../node/http/portal/index.js';
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
import { openTempStore } from './node-store.js';
import { HIGH_LIMITS } from './portal.js';
import type { MovableClock } from './staff-app.js';
import { type EnrolledUser, fastPasswordPool } from './staff-fixture.js';

/** A Paris mission serving its portal and its back office on 127.0.0.1, as one node does. */
export interface VisaMissionApp {
  /** The base URL, without a trailing slash. */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly domain: Domain;
  readonly config: NodeConfig;
  /** The app's clock: it starts at the real time (the browser's cookies expire by that) and moves by hand. */
  readonly clock: MovableClock;
  /** A fresh TOTP code of a secret (moves the clock to the next step first). */
  code(secret: string): string;
  /** Creates an account and takes it through password change and TOTP enrolment. */
  enrolled(username: string, roles: StaffRole[]): Promise<EnrolledUser>;
  close(): Promise<void>;
}

/**
 * The portal (with the simulated payment provider, as the demo runs it) and the back office over
 * one store and one domain, listening on a free port; a fast password pool, as openStaffApp has.
 */
export async function startVisaMissionApp(): Promise<VisaMissionApp> {
  const temp = await openTempStore();
  let at = Date.now();
  const clock: MovableClock = {
    now: () => new Date(at),
    advance: (ms) => {
      at += ms;
    },
  };
  const config = parisNodeConfig(temp.dir, { simulatedPayments: true });
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
  const deps = { domain, config, now: clock.now };
  await app.register(staffApiRoutes, deps);
  await app.register(backofficeRoutes, deps);
  await app.register(portalRoutes, { ...deps, rateLimits: HIGH_LIMITS });
  const url = (await app.listen({ host: '127.0.0.1', port: 0 })).replace(/\/$/, '');

  const code = (secret: string) => {
    clock.advance(30_000);
    return totpCodeAt(secret, clock.now());
  };
  const boot = await bootstrapAdmin(temp.store, 'root', { hasher, now: clock.now });
  const adminToken = async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/staff/login',
      payload: { username: 'root', password: boot.password, code: code(boot.totpSecret) },
    });
    if (response.statusCode !== 200) throw new Error(`admin login failed: ${response.body}`);
    return (response.json() as { token: string }).token;
  };
  const enrolled = async (username: string, roles: StaffRole[]): Promise<EnrolledUser> => {
    const adminSession = staff.authenticate(await adminToken());
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
    url,
    app,
    domain,
    config,
    clock,
    code,
    enrolled,
    close: async () => {
      await app.close();
      await base.close();
      await hasher.close();
      await temp.cleanup();
    },
  };
}
