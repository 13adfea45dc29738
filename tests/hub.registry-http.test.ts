import type { FastifyInstance } from 'fastify';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildHubApp } from '../hub/http/app.js';
import { loginRoutes } from '../hub/http/auth/login-route.js';
import { requirePermission } from '../hub/http/auth/require-permission.js';
import { registryRoutes } from '../hub/http/registry-routes.js';
import { seedPerson } from '../hub/services/registry/builtin-registry.js';
import { createAuthService } from '../hub/services/users/auth-service.js';
import { type BootstrapResult, bootstrapUser, totpCodeAt } from '../hub/services/users/index.js';
import { randomBytes, ready } from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { type RegistryHub, registryHub } from './_util/registry-fixtures.js';

const nadia = {
  givenNames: 'Nadia',
  familyName: 'Kossi-Mbaïkoua',
  birthDate: '1988-02-14',
  birthPlace: 'Bouar',
};

describe.each(storeBackends('registry review API'))('registry review API on $name', (backend) => {
  let store: TestStore;
  let app: FastifyInstance;
  let ctx: RegistryHub;
  const tokens: Record<'officer' | 'auditor' | 'cabinet', string> = { officer: '', auditor: '', cabinet: '' };
  beforeAll(ready);

  beforeEach(async () => {
    store = await migratedStore(backend);
    ctx = await registryHub(store.db);
    const secretsKey = randomBytes(32);
    app = await buildHubApp({ logLevel: 'silent' });
    const auth = createAuthService({ db: store.db, secretsKey, now: () => new Date() });
    await app.register(loginRoutes, { auth });
    await app.register(registryRoutes, {
      registry: ctx.service,
      guard: (permission) => requirePermission(permission, { auth }),
      officer: (request) => request.user?.username ?? 'unknown',
    });
    const users = {
      officer: ['registry_officer'],
      auditor: ['auditor'],
      cabinet: ['minister_office'],
    } as const;
    for (const [name, roles] of Object.entries(users) as Array<[keyof typeof users, readonly string[]]>) {
      const made = await bootstrapUser(store.db, {
        username: `ofc.${name}`,
        displayName: name,
        roles: [...roles],
        secretsKey,
        now: new Date(),
      });
      tokens[name] = await login(made);
    }
  });
  afterEach(async () => {
    await app?.close();
    await store?.dispose();
  });

  async function login(who: BootstrapResult): Promise<string> {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: {
        username: who.user.username,
        password: who.password,
        totp: totpCodeAt(who.totpSecret, new Date()),
      },
    });
    return response.json().token;
  }

  const call = (
    who: keyof typeof tokens | undefined,
    method: 'GET' | 'POST',
    url: string,
    payload?: unknown,
  ) =>
    app.inject({
      method,
      url,
      headers: who ? { authorization: `Bearer ${tokens[who]}` } : {},
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  /** A submission in review: its number is unknown to the registry. */
  async function inReview(): Promise<string> {
    const id = await ctx.submit('paris', { ...nadia, nationalId: 'CF-1988-424242' });
    await ctx.service.reconcileAll();
    return id;
  }

  it('lists the queue and shows a submission beside its candidates to officers and auditors', async () => {
    const id = await inReview();
    for (const who of ['officer', 'auditor'] as const) {
      const queue = await call(who, 'GET', '/api/v1/registry/queue?status=review&limit=10');
      expect(queue.statusCode).toBe(200);
      expect(queue.json()).toMatchObject({
        status: 'review',
        total: 1,
        items: [{ submissionId: id, missionId: 'fr-paris' }],
      });
      const detail = await call(who, 'GET', `/api/v1/registry/submissions/${id}`);
      expect(detail.statusCode).toBe(200);
      expect(detail.json()).toMatchObject({
        submission: { submissionId: id, status: 'review', person: { familyName: 'Kossi-Mbaïkoua' } },
        decisions: [{ decision: 'review', decidedBy: 'rule' }],
        duplicates: [],
      });
    }
    expect((await call('cabinet', 'GET', '/api/v1/registry/queue')).statusCode).toBe(403);
    expect((await call(undefined, 'GET', '/api/v1/registry/queue')).statusCode).toBe(401);
  });

  it('records an officer decision, audited under the officer name, and refuses a second one', async () => {
    const id = await inReview();
    const person = await seedPerson(store.db, { ...nadia, nationalId: 'CF-1988-000777' });
    const url = `/api/v1/registry/submissions/${id}/decision`;
    const decided = await call('officer', 'POST', url, {
      decision: 'match',
      registryId: person?.id,
      note: 'vu',
    });
    expect(decided.statusCode).toBe(200);
    expect(decided.json()).toMatchObject({ status: 'match', nationalId: 'CF-1988-000777' });
    const [audit] = await store.db.query('SELECT actor, action FROM hub_audit_log');
    expect(audit).toEqual({ actor: 'officer:ofc.officer', action: 'registry.match' });
    expect(ctx.resultsFor('paris').at(-1)).toMatchObject({ decision: 'match', nationalId: 'CF-1988-000777' });
    const again = await call('officer', 'POST', url, { decision: 'new' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('already_decided');
  });

  it('refuses a malformed decision, an unknown submission or person, and a caller without the permission', async () => {
    const id = await inReview();
    const url = `/api/v1/registry/submissions/${id}/decision`;
    const refusals: Array<[keyof typeof tokens | undefined, string, unknown, number, string]> = [
      ['officer', url, { decision: 'maybe' }, 400, 'invalid_request'],
      ['officer', url, { decision: 'match' }, 400, 'invalid_request'],
      ['officer', url, { decision: 'reject' }, 400, 'invalid_request'],
      ['officer', url, { decision: 'new', extra: true }, 400, 'invalid_request'],
      [
        'officer',
        '/api/v1/registry/submissions/not-a-uuid/decision',
        { decision: 'new' },
        400,
        'invalid_request',
      ],
      [
        'officer',
        '/api/v1/registry/submissions/7d4a1c2e-0000-4000-8000-000000000000/decision',
        { decision: 'new' },
        404,
        'not_found',
      ],
      [
        'officer',
        url,
        { decision: 'match', registryId: '7d4a1c2e-0000-4000-8000-000000000001' },
        400,
        'unknown_person',
      ],
      ['auditor', url, { decision: 'new' }, 403, 'forbidden'],
      ['cabinet', url, { decision: 'new' }, 403, 'forbidden'],
      [undefined, url, { decision: 'new' }, 401, 'unauthenticated'],
    ];
    for (const [who, target, body, status, code] of refusals) {
      const response = await call(who, 'POST', target, body);
      expect([response.statusCode, response.json().error.code], JSON.stringify(body)).toEqual([status, code]);
    }
    const unknown = await call(
      'officer',
      'GET',
      '/api/v1/registry/submissions/7d4a1c2e-0000-4000-8000-000000000000',
    );
    expect(unknown.statusCode).toBe(404);
    expect((await call('officer', 'GET', '/api/v1/registry/queue?limit=5000')).statusCode).toBe(400);
    // Nothing was decided or audited by any of them.
    expect(await store.db.query('SELECT status FROM registry_submissions')).toEqual([{ status: 'review' }]);
    expect(await store.db.query('SELECT seq FROM hub_audit_log')).toEqual([]);
  });
});
