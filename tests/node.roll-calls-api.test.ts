import { afterEach, describe, expect, it } from 'vitest';
import { SMS_INBOUND_PATH, smsInboundRoutes } from '../node/http/sms/sms-inbound-routes.js';
import type { Domain } from '../node/services/domain.js';
import { buildTestNode, type TestNode } from './_util/node-app.js';
import { openStaffApp, type StaffApp } from './_util/staff-app.js';
import { GATEWAY_TOKEN } from './_util/ussd.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const PHONE = '+33611111111';
const HOUSEHOLD = '+33622222222';

function register(domain: Domain, givenNames: string, phone: string, address: string): string {
  const registration = domain.registrations.submit(
    {
      person: { givenNames, familyName: 'Gbazi', birthDate: '1990-02-02', phone, address },
      channel: 'counter',
      consents: { processing: true, census: true, contact: true, textVersion: 'consent-2026.1' },
    },
    'agent:amina',
  );
  domain.registrations.verify(registration.id, 'agent:amina');
  return registration.personId;
}

function seed(domain: Domain) {
  return {
    awa: register(domain, 'Awa', PHONE, '1 rue Lepic, Paris'),
    bob: register(domain, 'Bob', HOUSEHOLD, '2 rue Lepic, Paris'),
    eve: register(domain, 'Eve', HOUSEHOLD, '2 rue Lepic, Paris'),
    lyon: register(domain, 'Lyonel', '+33633333333', '8 rue de Bangui, Lyon'),
  };
}

function body(endsAt: Date, overrides: Record<string, unknown> = {}) {
  return {
    title: 'Consulat RCA',
    message: { fr: 'Etes-vous en securite ?', sg: 'Mo yeke na siriri ?', en: 'Are you safe?' },
    zone: { cities: ['Paris'] },
    endsAt: endsAt.toISOString(),
    ...overrides,
  };
}

async function staffApp(): Promise<StaffApp> {
  const s = await openStaffApp();
  cleanups.push(() => s.close());
  return s;
}

describe('staff API: roll-calls', () => {
  it('lets a consul dry-run then start a roll-call, and agents read its counts', async () => {
    const s = await staffApp();
    seed(s.domain);
    const consul = await s.login(await s.enrolled('kossi', ['consul']));
    const agent = await s.login(await s.enrolled('amina', ['agent']));
    const endsAt = new Date(s.clock.now().getTime() + 3_600_000);
    const post = (payload: Record<string, unknown>, cookie = consul.cookie) =>
      s.app.inject({ method: 'POST', url: '/api/v1/staff/roll-calls', headers: { cookie }, payload });

    const dry = await post({ ...body(endsAt), dryRun: true });
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toEqual({ dryRun: true, people: 3, phones: 2, sms: 2, withoutPhone: 0 });
    expect(s.domain.rollCalls.list()).toEqual([]);

    const started = await post(body(endsAt));
    expect(started.statusCode).toBe(201);
    const { id } = started.json();
    expect(id).toEqual(expect.any(String));
    expect(started.json()).toMatchObject({ state: 'open', queued: 2, reach: { people: 3, sms: 2 } });

    s.domain.rollCalls.receiveSms({ from: HOUSEHOLD, rawFrom: HOUSEHOLD, text: '2', gatewayId: 'g1' });
    const read = await s.app.inject({
      url: `/api/v1/staff/roll-calls/${id}`,
      headers: { cookie: agent.cookie },
    });
    expect(read.statusCode).toBe(200);
    expect(read.headers['cache-control']).toBe('no-store');
    expect(read.json()).toMatchObject({ id, reached: 2, safe: 0, needHelp: 2, notInZone: 0, noAnswer: 1 });

    const needing = await s.app.inject({
      url: `/api/v1/staff/roll-calls/${id}/people?status=need_help,no_answer`,
      headers: { cookie: agent.cookie },
    });
    expect(
      needing
        .json()
        .people.map((p: { name: string; phone: string }) => [p.name, p.phone])
        .sort(),
    ).toEqual([
      ['Awa Gbazi', PHONE],
      ['Bob Gbazi', HOUSEHOLD],
      ['Eve Gbazi', HOUSEHOLD],
    ]);
  });

  it('refuses to let an agent start or close a roll-call, and anyone not logged in to read one', async () => {
    const s = await staffApp();
    seed(s.domain);
    const agent = await s.login(await s.enrolled('amina', ['agent']));
    const endsAt = new Date(s.clock.now().getTime() + 3_600_000);
    const refused = await s.app.inject({
      method: 'POST',
      url: '/api/v1/staff/roll-calls',
      headers: { cookie: agent.cookie },
      payload: body(endsAt),
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('forbidden');
    expect(s.domain.rollCalls.list()).toEqual([]);
    const started = s.domain.rollCalls.start(body(endsAt), { actor: 'consul:kossi' });
    if (started.dryRun) throw new Error('not started');
    const close = await s.app.inject({
      method: 'POST',
      url: `/api/v1/staff/roll-calls/${started.id}/close`,
      headers: { cookie: agent.cookie },
    });
    expect(close.statusCode).toBe(403);
    const anonymous = await s.app.inject({ url: `/api/v1/staff/roll-calls/${started.id}` });
    expect(anonymous.statusCode).toBe(401);
  });

  it('refuses bad input with 400 and says where', async () => {
    const s = await staffApp();
    const consul = await s.login(await s.enrolled('kossi', ['consul']));
    const now = s.clock.now().getTime();
    const post = (payload: Record<string, unknown>) =>
      s.app.inject({
        method: 'POST',
        url: '/api/v1/staff/roll-calls',
        headers: { cookie: consul.cookie },
        payload,
      });
    const cases = [
      body(new Date(now - 60_000)),
      body(new Date(now + 3_600_000), { message: { fr: 'Etes-vous en securite ?', en: 'Are you safe?' } }),
      body(new Date(now + 3_600_000), { zone: { cities: [] } }),
      body(new Date(now + 3_600_000), { zone: { all: false } }),
      body(new Date(now + 3_600_000), { endsAt: 'tonight' }),
      body(new Date(now + 3_600_000), { title: '' }),
      { ...body(new Date(now + 3_600_000)), sendTo: 'everyone' },
    ];
    for (const payload of cases) {
      const response = await post(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'invalid_request', issues: expect.anything() });
    }
    expect(s.domain.rollCalls.list()).toEqual([]);
    const unknown = await s.app.inject({
      url: '/api/v1/staff/roll-calls/0193c0de-0000-7000-8000-000000000000',
      headers: { cookie: consul.cookie },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('roll_call_not_found');
  });

  it('records an agent outcome per person and closes by hand', async () => {
    const s = await staffApp();
    const people = seed(s.domain);
    const consul = await s.login(await s.enrolled('kossi', ['consul']));
    const agent = await s.login(await s.enrolled('amina', ['agent']));
    const started = s.domain.rollCalls.start(body(new Date(s.clock.now().getTime() + 3_600_000)), {
      actor: 'kossi',
    });
    if (started.dryRun) throw new Error('not started');
    const outcome = (personId: string, payload: Record<string, unknown>) =>
      s.app.inject({
        method: 'POST',
        url: `/api/v1/staff/roll-calls/${started.id}/people/${personId}/outcome`,
        headers: { cookie: agent.cookie },
        payload,
      });
    const recorded = await outcome(people.eve, { outcome: 'visited', status: 'safe' });
    expect(recorded.statusCode).toBe(200);
    expect(recorded.json()).toMatchObject({ name: 'Eve Gbazi', outcome: 'visited', status: 'safe' });
    expect((await outcome(people.lyon, { outcome: 'visited' })).statusCode).toBe(404);
    expect((await outcome(people.awa, { outcome: 'teleported' })).statusCode).toBe(400);
    const closed = await s.app.inject({
      method: 'POST',
      url: `/api/v1/staff/roll-calls/${started.id}/close`,
      headers: { cookie: consul.cookie },
    });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ state: 'closed', closedBy: 'kossi', closedNow: true, safe: 1 });
    const late = await outcome(people.awa, { outcome: 'reached_by_phone' });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('roll_call_closed');
  });
});

async function gatewayNode(): Promise<TestNode> {
  const node = await buildTestNode({
    plugins: [smsInboundRoutes],
    config: { ussd: { token: GATEWAY_TOKEN } },
    seed: false,
  });
  cleanups.push(node.cleanup);
  return node;
}

function inbound(node: TestNode, fields: Record<string, string>, bearer: string | null = GATEWAY_TOKEN) {
  return node.app.inject({
    method: 'POST',
    url: SMS_INBOUND_PATH,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }),
    },
    payload: new URLSearchParams(fields).toString(),
  });
}

describe('inbound SMS callback', () => {
  it('records an answer from the gateway, in any phone format, once per gateway id', async () => {
    const node = await gatewayNode();
    seed(node.domain);
    const started = node.domain.rollCalls.start(body(new Date(Date.now() + 3_600_000)), { actor: 'kossi' });
    if (started.dryRun) throw new Error('not started');
    const sms = {
      from: '0033 6 22 22 22 22',
      to: '21234',
      text: '1 ',
      date: '2026-03-02 08:00:00',
      id: 'ATXid_9',
    };
    const first = await inbound(node, sms);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ received: true, duplicate: false });
    const again = await inbound(node, { ...sms, text: '2' });
    expect(again.json()).toEqual({ received: true, duplicate: true });
    // JSON as well as forms; the gateway may drop the +.
    const json = await node.app.inject({
      method: 'POST',
      url: SMS_INBOUND_PATH,
      headers: { authorization: `Bearer ${GATEWAY_TOKEN}` },
      payload: { from: '33611111111', to: '21234', text: '3', id: 'ATXid_10' },
    });
    expect(json.statusCode).toBe(200);
    expect(node.domain.rollCalls.get(started.id).counts).toMatchObject({
      safe: 2,
      notInZone: 1,
      noAnswer: 0,
    });
  });

  it('refuses a forged callback: no credential 401, a wrong one 403, and records nothing', async () => {
    const node = await gatewayNode();
    seed(node.domain);
    const started = node.domain.rollCalls.start(body(new Date(Date.now() + 3_600_000)), { actor: 'kossi' });
    if (started.dryRun) throw new Error('not started');
    const sms = { from: PHONE, to: '21234', text: '1', id: 'forged-1' };
    const missing = await inbound(node, sms, null);
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error.code).toBe('unauthenticated');
    const wrong = await inbound(node, sms, 'not-the-gateway-token-0123456789');
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('forbidden');
    const query = await node.app.inject({
      method: 'POST',
      url: `${SMS_INBOUND_PATH}?token=guess`,
      headers: { 'content-type': 'application/json' },
      payload: sms,
    });
    expect(query.statusCode).toBe(403);
    expect(node.domain.rollCalls.get(started.id).counts).toMatchObject({ reached: 0, safe: 0 });
    expect(node.store.db.prepare('SELECT count(*) FROM roll_call_inbound').pluck().get()).toBe(0);
  });

  it('refuses every callback when the node has no gateway token', async () => {
    const node = await buildTestNode({ plugins: [smsInboundRoutes], seed: false });
    cleanups.push(node.cleanup);
    const response = await inbound(node, { from: PHONE, text: '1', id: 'x' });
    expect(response.statusCode).toBe(403);
  });

  it('answers a malformed callback 400 with the issues', async () => {
    const node = await gatewayNode();
    const response = await inbound(node, { from: PHONE, text: '1' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'invalid_request', issues: expect.anything() });
  });
});
