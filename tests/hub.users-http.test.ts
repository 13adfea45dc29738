import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loginRoutes } from '../hub/http/auth/login-route.js';
import { requirePermission } from '../hub/http/auth/require-permission.js';
import { createAuthService } from '../hub/services/users/auth-service.js';
import { type BootstrapResult, bootstrapUser, totpCodeAt } from '../hub/services/users/index.js';
import { randomBytes } from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';

const T0 = new Date('2026-03-02T08:00:00.000Z');

describe.each(storeBackends('hub auth routes'))('hub auth routes on $name', (backend) => {
  let store: TestStore;
  let app: FastifyInstance;
  let clock: Date;
  let director: BootstrapResult;
  let auditor: BootstrapResult;

  beforeEach(async () => {
    store = await migratedStore(backend);
    clock = T0;
    const secretsKey = randomBytes(32);
    const make = (username: string, roles: string[]) =>
      bootstrapUser(store.db, { username, displayName: username, roles, secretsKey, now: T0 });
    director = await make('directrice', ['directorate']);
    auditor = await make('auditeur', ['auditor']);
    app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    const auth = createAuthService({ db: store.db, secretsKey, now: () => clock });
    await app.register(loginRoutes, { auth });
    app.post(
      '/api/v1/directives',
      { preHandler: requirePermission('directives.write', { auth }) },
      async (request) => ({
        by: request.user?.username,
      }),
    );
  });
  afterEach(async () => {
    await app?.close();
    await store?.dispose();
  });

  const loginAs = (who: BootstrapResult, overrides: Record<string, unknown> = {}) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: {
        username: who.user.username,
        password: who.password,
        totp: totpCodeAt(who.totpSecret, clock),
        ...overrides,
      },
    });
  const writeDirective = (token?: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/directives',
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });

  it('answers 200 with a token, its expiry and the user', async () => {
    const response = await loginAs(director);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toEqual({
      token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresAt: '2026-03-02T20:00:00.000Z',
      user: { username: 'directrice', displayName: 'directrice', roles: ['directorate'] },
    });
  });

  it('answers 401 invalid_credentials alike for a wrong password and a wrong code', async () => {
    const wrongPassword = await loginAs(director, { password: 'not the right password' });
    const wrongCode = await loginAs(director, { totp: '000000' });
    expect(wrongPassword.statusCode).toBe(401);
    expect(wrongCode.statusCode).toBe(401);
    expect(wrongPassword.json()).toEqual(wrongCode.json());
    expect(wrongPassword.json().error.code).toBe('invalid_credentials');
  });

  it('refuses a body with an unknown field or a missing one with 400', async () => {
    const extra = await loginAs(director, { remember: true });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().error.code).toBe('invalid_request');
    const missing = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'directrice' },
    });
    expect(missing.statusCode).toBe(400);
  });

  it('answers 423 locked with Retry-After after five failures, then lets the user in after the lock', async () => {
    for (let i = 0; i < 5; i++)
      expect((await loginAs(director, { password: `wrong password ${i}` })).statusCode).toBe(401);
    const locked = await loginAs(director);
    expect(locked.statusCode).toBe(423);
    expect(locked.json().error.code).toBe('locked');
    expect(locked.headers['retry-after']).toBe('900');
    clock = new Date(T0.getTime() + 15 * 60_000 + 30_000);
    expect((await loginAs(director)).statusCode).toBe(200);
  });

  it('answers 401 unauthenticated without a token or with an unknown one', async () => {
    const none = await writeDirective();
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('unauthenticated');
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await writeDirective('A'.repeat(43))).statusCode).toBe(401);
  });

  it('answers 403 forbidden to a user without the permission, and lets the one with it through', async () => {
    const auditorToken = (await loginAs(auditor)).json().token;
    const forbidden = await writeDirective(auditorToken);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('forbidden');
    const directorToken = (await loginAs(director)).json().token;
    const allowed = await writeDirective(directorToken);
    expect(allowed.statusCode).toBe(200);
    expect(allowed.json()).toEqual({ by: 'directrice' });
  });

  it('logs out with the bearer token: 204, then the token is refused', async () => {
    const token = (await loginAs(director)).json().token;
    const out = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(out.statusCode).toBe(204);
    expect((await writeDirective(token)).statusCode).toBe(401);
    const again = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(again.statusCode).toBe(401);
  });

  it('refuses a session idle for 30 minutes', async () => {
    const token = (await loginAs(director)).json().token;
    clock = new Date(T0.getTime() + 30 * 60_000);
    expect((await writeDirective(token)).statusCode).toBe(401);
  });
});
