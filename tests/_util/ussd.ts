import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { NodeConfigInput } from '../../node/config/config.js';
import { ussdRoutes } from '../../node/http/ussd/ussd-routes.js';
import { upsertService } from '../../node/services/catalogue/catalogue-rows.js';
import { codeFor, TUESDAY_9AM, testClock } from './appointments.js';
import { buildTestNode, type TestNode } from './node-app.js';

/** The applicant's phone, as the gateway sends it. */
export const PHONE = '+33612345678';
export const OTHER_PHONE = '+33698765432';
/** A Central African number: the menu opens in Sango. */
export const CAR_PHONE = '+23672123456';
/** What gateways and handsets show as sent: printable ASCII and newlines. */
export const ASCII_ONLY = /^[\x20-\x7E\n]*$/;

/** The gateway token of the test nodes, which `dial` sends unless told otherwise. */
export const GATEWAY_TOKEN = 'gateway-token-for-tests-0123456789';

const OPEN_LIMITS = { perPhonePerMinute: 600, perSessionPerMinute: 600, perAddressPerMinute: 100_000 };

/** The USSD endpoint over a seeded Paris mission, with the test gateway token, limits wide open unless given. */
export function buildUssdNode(ussd: Partial<NonNullable<NodeConfigInput['ussd']>> = {}): Promise<TestNode> {
  return buildTestNode({
    now: testClock().now,
    plugins: [ussdRoutes],
    config: { ussd: { token: GATEWAY_TOKEN, ...OPEN_LIMITS, ...ussd } },
  });
}

/** How a test callback presents itself: its bearer token (none with `null`) and its client address. */
export interface DialOptions {
  readonly session?: string;
  readonly url?: string;
  readonly bearer?: string | null;
  readonly remoteAddress?: string;
}

let sessions = 0;

/** One callback as a gateway posts it: a urlencoded form. */
export function dial(node: { app: FastifyInstance }, text: string, phone = PHONE, options: DialOptions = {}) {
  const form = new URLSearchParams({
    sessionId: options.session ?? `ATUid_${++sessions}`,
    serviceCode: '*384*1234#',
    phoneNumber: phone,
    networkCode: '20801',
    text,
  });
  const bearer = options.bearer === undefined ? GATEWAY_TOKEN : options.bearer;
  return node.app.inject({
    method: 'POST',
    url: options.url ?? '/ussd',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }),
    },
    payload: form.toString(),
    ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
  });
}

/** The screen answered to a callback, checked to be a 200 plain-text reply. */
export async function reply(node: TestNode, text: string, phone = PHONE): Promise<string> {
  const response = await dial(node, text, phone);
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain/);
  return response.body;
}

/** Checks that a body is one USSD screen: prefix, ASCII, 182 characters at most. */
export function expectScreen(body: string): void {
  expect(body).toMatch(/^(CON|END) /);
  expect(body).toMatch(ASCII_ONLY);
  expect(body.length).toBeLessThanOrEqual(182);
}

/** A file opened at the counter for an applicant with this phone, now under review. */
export function fileOf(node: TestNode, phone = PHONE): string {
  const { people, files } = node.domain;
  const person = people.create(
    { givenNames: 'Amadou', familyName: 'Zanga', phone, birthDate: '1988-03-14' },
    'agent',
  );
  const file = files.open(
    { personId: person.id, serviceCode: 'passport-renewal', channel: 'counter' },
    'agent',
  );
  files.transition(file.id, { to: 'in_review' }, 'agent');
  return file.trackingNumber;
}

/** A confirmed booking on Tuesday 3 March 2026, 09:00 in Paris, for this phone. */
export function bookingOf(node: TestNode, phone = PHONE): string {
  const { appointments } = node.domain;
  const held = appointments.book(
    {
      serviceCode: 'passport-renewal',
      slotStart: TUESDAY_9AM,
      applicant: { givenNames: 'Clarisse', familyName: 'Ngoumbango' },
      phone,
      documentNumber: 'CF1000001',
      lang: 'fr',
    },
    'portal',
  );
  appointments.confirm({ reference: held.reference, code: codeFor(node.store, held.reference) }, 'portal');
  return held.reference;
}

/** Adds an active service with the given names (long ones test the screens' limits). */
export function addService(
  node: TestNode,
  name: { fr: string; sg: string },
  fees: { amountMinor: number; currency: string }[],
): void {
  upsertService(
    node.store.db,
    {
      code: 'zz-long-name',
      category: 'visa',
      name: { ...name, en: 'x' },
      description: { fr: 'x', sg: 'x', en: 'x' },
      fees,
      requiredDocuments: [],
      processingDaysTarget: 5,
      appointmentMinutes: 10,
      active: true,
    },
    { source: 'seed', sgReview: true, version: 0, at: new Date().toISOString() },
  );
}
