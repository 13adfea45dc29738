import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHub, type MinistryHub } from '../hub/index.js';
import { recordEnrolment } from '../hub/services/missions/enrol.js';
import { hubSecretsKey } from '../hub/services/missions/hub-secrets-key.js';
import { bootstrapUser, totpCodeAt } from '../hub/services/users/index.js';
import { HUB_ID, Identity, ready } from '../protocol/index.js';
import { certify, throwawayHubConfig } from './_util/hub-fixtures.js';
import { makeTempDir, type TempDir } from './_util/node-store.js';
import { documentedOperations, registeredRoutes, validateOpenApi } from './_util/openapi.js';

const OPENAPI = '/api/v1/openapi.json';

interface Operation {
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  parameters?: Array<{ in: string; name: string; schema: Record<string, unknown> }>;
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
interface OpenApiDocument extends Record<string, unknown> {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
}

describe('hub JSON API: OpenAPI document', () => {
  let dir: TempDir;
  let hub: MinistryHub;
  let document: OpenApiDocument;
  const identity = Identity.generate(HUB_ID);

  beforeAll(async () => {
    await ready();
    dir = await makeTempDir('econsulat-hub-');
    hub = await createHub(throwawayHubConfig(dir.dir), identity);
    document = (await hub.context.app.inject({ method: 'GET', url: OPENAPI })).json();
  });
  afterAll(async () => {
    await hub?.close();
    await dir?.cleanup();
  });

  const inject = (method: 'GET' | 'POST', url: string, payload?: object, token?: string) =>
    hub.context.app.inject({
      method,
      url,
      ...(payload ? { payload } : {}),
      ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    });
  const operation = (method: string, path: string): Operation => {
    const found = document.paths[path]?.[method];
    if (!found) throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
    return found;
  };

  it('serves a valid OpenAPI 3 document without a session', async () => {
    const response = await inject('GET', OPENAPI);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(document.openapi).toMatch(/^3\./);
    expect(await validateOpenApi(document)).toEqual({ valid: true });
  });

  it('lists every JSON route the hub registers, and neither its pages nor its probes', () => {
    const jsonRoutes = registeredRoutes(hub.context.app).filter(
      (route) => route.includes(' /api/v1/') && route !== `GET ${OPENAPI}`,
    );
    expect(jsonRoutes.length).toBeGreaterThanOrEqual(12);
    expect(documentedOperations(document)).toEqual(jsonRoutes);
    // The pages exist, but stay out of the document.
    expect(registeredRoutes(hub.context.app)).toContain('GET /web/tableau-de-bord');
    expect(Object.keys(document.paths).filter((path) => !path.startsWith('/api/v1/'))).toEqual([]);
  });

  it('declares the body of every success and error answer', () => {
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, { responses }] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        const success = Object.entries(responses).filter(([status]) => status.startsWith('2'));
        expect(success.length, where).toBeGreaterThan(0);
        for (const [status, response] of success) {
          if (status !== '204') expect(response.content?.['application/json']?.schema, where).toBeDefined();
        }
        expect(responses['400']?.content?.['application/json']?.schema, where).toMatchObject({
          required: ['error'],
        });
      }
    }
    expect(Object.keys(operation('get', '/api/v1/missions').responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '429', '500']),
    );
  });

  it('refuses with 400 invalid_request, in the hub’s error shape, what the declared schemas refuse', async () => {
    const login = operation('post', '/api/v1/auth/login').requestBody?.content['application/json']?.schema;
    // The code is optional: a first login has none yet, and answers with the enrolment step.
    expect(login).toMatchObject({ additionalProperties: false, required: ['username', 'password'] });
    const revoke = operation('post', '/api/v1/missions/{id}/revoke').requestBody?.content['application/json']
      ?.schema as { properties: { reason: { enum: string[] } } };
    expect(revoke.properties.reason.enum).not.toContain('bored');
    const limit = operation('get', '/api/v1/registry/queue').parameters?.find((p) => p.name === 'limit');
    expect(limit?.schema).toMatchObject({ minimum: 1, maximum: 200 });

    for (const [what, refused] of [
      [
        'an unknown login field',
        inject('POST', '/api/v1/auth/login', { username: 'a', password: 'b', totp: '1', admin: 1 }),
      ],
      ['a reason outside the enum', inject('POST', '/api/v1/missions/fr-paris/revoke', { reason: 'bored' })],
      [
        'a malformed mission id',
        inject('POST', '/api/v1/missions/Not_A_Mission/revoke', { reason: 'retired' }),
      ],
      ['a limit below the minimum', inject('GET', '/api/v1/registry/queue?limit=0')],
      ['a period start that is no instant', inject('GET', '/api/v1/dashboard/summary?from=yesterday')],
      ['a directive id that is no uuid', inject('GET', '/api/v1/directives/not-a-uuid')],
    ] as const) {
      const response = await refused;
      expect(response.statusCode, what).toBe(400);
      expect(response.json()).toEqual({
        error: { code: 'invalid_request', message: expect.any(String), issues: expect.anything() },
      });
    }
  });

  it('answers a valid request as the document says: without a session, 401 in the error shape', async () => {
    expect(Object.keys(operation('get', '/api/v1/registry/queue').responses)).toContain('401');
    const response = await inject('GET', '/api/v1/registry/queue?limit=10');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
  });

  it('answers a ministry session with the bodies its declared schemas describe', async () => {
    const mission = Identity.generate('fr-lyon');
    await recordEnrolment(hub.context.db, identity.toPublic(), await certify(identity, mission));
    await hub.context.reloadTrust();
    const director = await bootstrapUser(hub.context.db, {
      username: 'directrice',
      displayName: 'La directrice',
      roles: ['directorate'],
      secretsKey: hubSecretsKey(identity),
      now: new Date(),
    });
    const login = await inject('POST', '/api/v1/auth/login', {
      username: 'directrice',
      password: director.password,
      totp: totpCodeAt(director.totpSecret, new Date()),
    });
    expect(login.statusCode).toBe(200);
    const { token } = login.json();
    const service = {
      code: 'passport-renewal',
      category: 'passport',
      name: { fr: 'Renouvellement de passeport' },
      description: { fr: 'Passeport biométrique.' },
      fees: [{ amountMinor: 55_000, currency: 'XAF' }],
      requiredDocuments: [{ fr: 'Ancien passeport' }],
      processingDaysTarget: 30,
      appointmentMinutes: 20,
      active: true,
    };
    const directive = { title: { fr: 'Fermeture' }, body: { fr: 'Fermé le 1er mai.' }, target: 'all' };

    const published = await inject('POST', '/api/v1/catalogue', { services: [service] }, token);
    expect(published.statusCode).toBe(201);
    expect(published.json()).toEqual({ version: 1, missions: ['fr-lyon'] });
    const catalogue = await inject('GET', '/api/v1/catalogue', undefined, token);
    expect(catalogue.statusCode).toBe(200);
    expect(catalogue.json()).toMatchObject({ version: 1, services: [service] });
    const missions = await inject('GET', '/api/v1/missions', undefined, token);
    expect(missions.statusCode).toBe(200);
    expect(missions.json().missions).toEqual([expect.objectContaining({ id: 'fr-lyon', revoked: false })]);
    const summary = await inject('GET', '/api/v1/dashboard/summary', undefined, token);
    expect(summary.statusCode).toBe(200);
    expect(summary.json()).toMatchObject({ missions: { total: 1 }, directives: { issued: 0 } });
    const issued = await inject('POST', '/api/v1/directives', directive, token);
    expect(issued.statusCode).toBe(201);
    const { directiveId } = issued.json().directive;
    const status = await inject('GET', `/api/v1/directives/${directiveId}`, undefined, token);
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({ directiveId, target: 'all', missions: [{ missionId: 'fr-lyon' }] });
    const queue = await inject('GET', '/api/v1/registry/queue', undefined, token);
    expect(queue.json()).toMatchObject({ status: 'review', total: 0, items: [] });
    const revoked = await inject('POST', '/api/v1/missions/fr-lyon/revoke', { reason: 'retired' }, token);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toEqual({ revoked: 'fr-lyon', revocationListSerial: expect.any(Number) });
    // A mission the hub never enrolled: the catalogue's status, in the error shape the document gives.
    expect(Object.keys(operation('post', '/api/v1/missions/{id}/revoke').responses)).toContain('404');
    const unknown = await inject('POST', '/api/v1/missions/fr-nowhere/revoke', { reason: 'retired' }, token);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({
      error: { code: 'mission_not_found', message: expect.any(String) },
    });
    const logout = await inject('POST', '/api/v1/auth/logout', undefined, token);
    expect(logout.statusCode).toBe(204);
    expect(logout.body).toBe('');
  });
});
