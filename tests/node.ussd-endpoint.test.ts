import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ussdDomainData } from '../node/ussd/ussd-domain-data.js';
import { ussdReply } from '../node/ussd/ussd-menu.js';
import type { TestNode } from './_util/node-app.js';
import { metricSample } from './_util/rogue-client.js';
import {
  ASCII_ONLY,
  addService,
  bookingOf,
  buildUssdNode,
  CAR_PHONE,
  dial,
  expectScreen,
  fileOf,
  GATEWAY_TOKEN,
  OTHER_PHONE,
  PHONE,
} from './_util/ussd.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function ussdNode(ussd: Parameters<typeof buildUssdNode>[0] = {}): Promise<TestNode> {
  const node = await buildUssdNode(ussd);
  cleanups.push(node.cleanup);
  return node;
}

describe('USSD endpoint: what is not a proper callback', () => {
  it('takes JSON as well as forms', async () => {
    const node = await ussdNode();
    const response = await node.app.inject({
      method: 'POST',
      url: '/ussd',
      headers: { authorization: `Bearer ${GATEWAY_TOKEN}` },
      payload: { sessionId: 's-json', serviceCode: '*384#', phoneNumber: PHONE, text: '4' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatch(/^END Horaires/);
    const openapi = await node.app.inject({ url: '/api/v1/openapi.json' });
    expect(
      openapi.json().paths['/ussd'].post.requestBody.content['application/json'].schema.required,
    ).toEqual(['sessionId', 'serviceCode', 'phoneNumber']);
  });

  it('answers every malformed callback 200 with an END apology, never an error page', async () => {
    const node = await ussdNode();
    const form = 'application/x-www-form-urlencoded';
    const cases: { headers?: Record<string, string>; payload?: string }[] = [
      { headers: { 'content-type': form }, payload: '' },
      { headers: { 'content-type': form }, payload: 'serviceCode=*384%23&phoneNumber=%2B33612345678&text=1' },
      {
        headers: { 'content-type': form },
        payload: 'sessionId=a&sessionId=b&serviceCode=x&phoneNumber=1234',
      },
      {
        headers: { 'content-type': form },
        payload: `sessionId=s&serviceCode=x&phoneNumber=1234&text=${'1*'.repeat(600)}`,
      },
      { headers: { 'content-type': 'application/json' }, payload: '{"sessionId": ' },
      { headers: { 'content-type': 'application/json' }, payload: '[1, 2, 3]' },
      { headers: { 'content-type': 'application/json' }, payload: 'null' },
      { headers: { 'content-type': 'text/plain' }, payload: 'sessionId=s&text=1' },
      { headers: { 'content-type': 'application/xml' }, payload: '<ussd/>' },
      { headers: { 'content-type': form }, payload: `sessionId=${'s'.repeat(9000)}` },
      {},
    ];
    for (const { headers, payload } of cases) {
      const response = await node.app.inject({
        method: 'POST',
        url: '/ussd',
        headers: { ...headers, authorization: `Bearer ${GATEWAY_TOKEN}` },
        payload,
      });
      expect(response.statusCode, JSON.stringify(headers)).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.body).toBe(
        'END Desole, demande non traitee. Reessayez plus tard.\nPardon, kiri ti sara ni na peko.',
      );
    }
  });

  it('never throws and always answers one short ASCII screen, whatever the text and number (property)', async () => {
    const node = await ussdNode();
    const tracking = fileOf(node);
    bookingOf(node);
    const answer = fc.oneof(
      fc.constantFrom('0', '1', '2', '3', '4', '00', '', ' 1 ', tracking, tracking.toLowerCase(), '99999'),
      fc.string({ maxLength: 12 }),
      fc.string({ unit: 'grapheme', maxLength: 8 }),
    );
    const text = fc.array(answer, { maxLength: 12 }).map((answers) => answers.join('*'));
    const phone = fc.oneof(
      fc.constantFrom(PHONE, CAR_PHONE, '33612345678', '0612345678'),
      fc.string({ minLength: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(text, phone, async (typed, caller) => {
        const response = await dial(node, typed, caller.slice(0, 32).padEnd(3, '0'));
        expect(response.statusCode).toBe(200);
        expectScreen(response.body);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every screen of every menu path ASCII and within 182 characters, in French and Sango', async () => {
    const node = await ussdNode();
    const fees = [1, 2, 3, 4, 5].map((n) => ({
      amountMinor: 99_999_999 * n,
      currency: n % 2 ? 'XAF' : 'EUR',
    }));
    addService(
      node,
      { fr: `Légalisation « spéciale » ${'é'.repeat(190)}`, sg: `Sû mbëtï ${'ï'.repeat(190)}` },
      fees,
    );
    const tracking = fileOf(node);
    bookingOf(node);
    const { catalogue, files, appointments, missionHours } = node.domain;
    const data = () =>
      ussdDomainData({
        catalogue,
        files,
        appointments,
        missionHours,
        trackingPrefix: 'PAR',
        zone: 'Europe/Paris',
        now: node.now,
      });
    const alphabet = ['0', '1', '2', '3', '4', '5', '00', tracking, '13'];
    let paths = [''];
    let checked = 0;
    for (let depth = 0; depth <= 4; depth++) {
      for (const text of paths) {
        for (const phone of [PHONE, CAR_PHONE, undefined]) {
          const body = ussdReply({ text, phone }, data());
          if (!/^(CON|END) /.test(body) || !ASCII_ONLY.test(body) || body.length > 182) {
            throw new Error(`bad screen for ${JSON.stringify(text)}: ${JSON.stringify(body)}`);
          }
          checked++;
        }
      }
      paths = paths.flatMap((text) =>
        alphabet.map((next) => (text === '' && depth === 0 ? next : `${text}*${next}`)),
      );
    }
    expect(checked).toBe(3 * [0, 1, 2, 3, 4].reduce((sum, depth) => sum + alphabet.length ** depth, 0));
  });
});

describe('USSD endpoint: the gateway credential', () => {
  const GATEWAY_NET = '192.0.2.0/24';
  const GATEWAY = '192.0.2.10';
  const ELSEWHERE = '203.0.113.5';

  it('takes the token as a bearer or in the callback URL', async () => {
    const node = await ussdNode();
    const inUrl = { bearer: null, url: `/ussd?token=${GATEWAY_TOKEN}` };
    expect((await dial(node, '', PHONE, inUrl)).body).toMatch(/^CON /);
    const bearer = await node.app.inject({
      method: 'POST',
      url: '/ussd',
      headers: { authorization: `Bearer ${GATEWAY_TOKEN}` },
      payload: { sessionId: 's1', serviceCode: '*384#', phoneNumber: PHONE, text: '' },
    });
    expect(bearer.body).toMatch(/^CON Consulat RCA/);
  });

  it('refuses no token, a wrong one and an address outside the allow-list with 403, counted by reason, reading and writing nothing', async () => {
    // One call a minute per phone: a refused call that reached the limits would leave the caller BUSY.
    const node = await ussdNode({ allowFrom: [GATEWAY_NET], perPhonePerMinute: 1 });
    const before = rowCounts(node);
    const refusals = [
      dial(node, '', PHONE, { bearer: null, remoteAddress: GATEWAY }),
      dial(node, '', PHONE, { bearer: `${GATEWAY_TOKEN}-not`, remoteAddress: GATEWAY }),
      dial(node, '', PHONE, {
        bearer: null,
        url: '/ussd?token=wrong-token-0123456789',
        remoteAddress: GATEWAY,
      }),
      dial(node, '', PHONE, { remoteAddress: ELSEWHERE }),
    ];
    for (const refused of await Promise.all(refusals)) {
      expect(refused.statusCode).toBe(403);
      expect(refused.body).toBe('END Service indisponible.\nService ayeke pepe.');
    }
    expect(rowCounts(node)).toEqual(before);
    expect(await refusedByReason(node)).toEqual({
      disabled: 0,
      missing_token: 1,
      wrong_token: 2,
      address_not_allowed: 1,
    });
    // The gateway, from its network (a dual-stack socket shows it IPv4-mapped): the menu, first try.
    expect((await dial(node, '', PHONE, { remoteAddress: `::ffff:${GATEWAY}` })).body).toMatch(/^CON /);
  });

  it('lets another client address in the allow-list through while refusing one outside it', async () => {
    const node = await ussdNode({ allowFrom: [GATEWAY_NET, '2001:db8::/32'] });
    expect((await dial(node, '4', PHONE, { remoteAddress: '192.0.2.200' })).statusCode).toBe(200);
    expect((await dial(node, '4', PHONE, { remoteAddress: '2001:db8::7' })).statusCode).toBe(200);
    expect((await dial(node, '4', PHONE, { remoteAddress: '192.0.3.1' })).statusCode).toBe(403);
    expect((await refusedByReason(node)).address_not_allowed).toBe(1);
  });

  // A mission without a gateway keeps running; its USSD route is closed, and says so.
  it('refuses every callback, even one with a token, when the node has no gateway token', async () => {
    const node = await ussdNode({ token: undefined });
    const before = rowCounts(node);
    expect((await dial(node, '')).statusCode).toBe(403);
    expect((await dial(node, '', PHONE, { bearer: null })).statusCode).toBe(403);
    expect(rowCounts(node)).toEqual(before);
    expect((await refusedByReason(node)).disabled).toBe(2);
    const text = await node.metrics.registry.metrics();
    expect(metricSample(text, 'econsulat_ussd_enabled', { mission: 'fr-paris' })).toBe(0);
  });
});

describe('USSD endpoint: limits', () => {
  it('limits callbacks per session and per phone number, answering with an END', async () => {
    const node = await ussdNode({ perSessionPerMinute: 3, perPhonePerMinute: 4 });
    const busy = 'END Trop de demandes. Reessayez dans une minute.\nAye mingi. Kiri na peko ti miniti oko.';
    const bodies: string[] = [];
    for (let n = 0; n < 4; n++) bodies.push((await dial(node, '', PHONE, { session: 'same' })).body);
    expect(bodies.slice(0, 3).every((body) => body.startsWith('CON '))).toBe(true);
    expect(bodies[3]).toBe(busy);
    // The refused callback did not count against the phone: one more session reaches its limit of 4.
    expect((await dial(node, '', PHONE, { session: 'second' })).body).toMatch(/^CON /);
    expect((await dial(node, '', PHONE, { session: 'third' })).body).toBe(busy);
    expect((await dial(node, '', OTHER_PHONE, { session: 'fourth' })).body).toMatch(/^CON /);
  });

  it('answers the callbacks over the per-address limit with an END as well', async () => {
    const node = await ussdNode({ perAddressPerMinute: 2 });
    const bodies: string[] = [];
    for (let n = 0; n < 3; n++) bodies.push((await dial(node, '4', `+3361234567${n}`)).body);
    expect(bodies.map((body) => body.slice(0, 4))).toEqual(['END ', 'END ', 'END ']);
    expect(bodies[2]).toMatch(/^END Trop de demandes\./);
    expect(bodies[1]).toMatch(/^END Horaires/);
  });
});

/** Rows in every table of the node's database: a refused callback changes none. */
function rowCounts(node: TestNode): Record<string, number> {
  const tables = node.store.db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .all() as { name: string }[];
  return Object.fromEntries(
    tables.map(({ name }) => [
      name,
      (node.store.db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n,
    ]),
  );
}

/** The refusal counter of the node's metrics, by reason. */
async function refusedByReason(node: TestNode): Promise<Record<string, number | undefined>> {
  const text = await node.metrics.registry.metrics();
  const reasons = ['disabled', 'missing_token', 'wrong_token', 'address_not_allowed'];
  return Object.fromEntries(
    reasons.map((reason) => [
      reason,
      metricSample(text, 'econsulat_ussd_callbacks_refused_total', { mission: 'fr-paris', reason }),
    ]),
  );
}
