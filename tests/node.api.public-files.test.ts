import { afterEach, describe, expect, it } from 'vitest';
import { type PublicRateLimits, publicApiRoutes } from '../node/http/api/public/index.js';
import { CROCKFORD_ALPHABET, checkCharacter } from '../node/services/files/tracking-number.js';
import { testClock } from './_util/appointments.js';
import { buildTestNode, type TestNode } from './_util/node-app.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const HIGH: Partial<PublicRateLimits> = { submission: 1000, lookupWithSecret: 1000 };

async function publicNode(): Promise<TestNode> {
  const node = await buildTestNode({
    now: testClock().now,
    plugins: [(app, deps) => publicApiRoutes(app, { ...deps, rateLimits: HIGH })],
  });
  cleanups.push(node.cleanup);
  return node;
}

const APPLICANT = {
  givenNames: 'Amadou',
  familyName: 'Zanga',
  birthDate: '1988-03-14',
  phone: '06 12 34 56 78',
};

async function openFile(node: TestNode, applicant: object = APPLICANT) {
  return node.app.inject({
    method: 'POST',
    url: '/api/v1/files',
    payload: { service: 'passport-renewal', applicant, lang: 'fr' },
  });
}

function lookup(node: TestNode, trackingNumber: string, secret?: string) {
  return node.app.inject({
    method: 'GET',
    url: `/api/v1/files/${trackingNumber}`,
    headers: secret === undefined ? {} : { 'x-applicant-secret': secret },
  });
}

// One character of the random part changed: what a typing error does.
function mistype(trackingNumber: string): string {
  const index = 4;
  const char = trackingNumber[index] ?? '0';
  const other = CROCKFORD_ALPHABET[(CROCKFORD_ALPHABET.indexOf(char) + 1) % 32];
  return `${trackingNumber.slice(0, index)}${other}${trackingNumber.slice(index + 1)}`;
}

describe('node public API: files', () => {
  it('opens a file online and answers its tracking number', async () => {
    const node = await publicNode();
    const response = await openFile(node);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ service: 'passport-renewal', state: 'submitted' });
    expect(response.json().trackingNumber).toMatch(/^PAR-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$/);
    const file = node.domain.files.findByTrackingNumber(response.json().trackingNumber);
    expect(file).toMatchObject({ channel: 'online' });
    expect(node.domain.people.get(file?.personId ?? '')?.phone).toBe('+33612345678');
  });

  it('refuses a file without a phone or birth date, for an unknown service, or with unknown fields', async () => {
    const node = await publicNode();
    const noSecret = await openFile(node, { givenNames: 'Amadou', familyName: 'Zanga' });
    expect(noSecret.statusCode).toBe(400);
    expect(noSecret.json().error.code).toBe('invalid_request');
    const extra = await openFile(node, { ...APPLICANT, religion: 'none' });
    expect(extra.statusCode).toBe(400);
    const unknown = await node.app.inject({
      method: 'POST',
      url: '/api/v1/files',
      payload: { service: 'space-travel', applicant: APPLICANT },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('unknown_service');
    expect(node.store.db.prepare('SELECT count(*) AS n FROM people').get()).toEqual({ n: 0 });
  });

  it('shows the status only without the secret, or with a wrong one', async () => {
    const node = await publicNode();
    const { trackingNumber } = (await openFile(node)).json();
    for (const secret of [undefined, '1988-03-15', '06 12 34 56 79', 'Amadou']) {
      const response = await lookup(node, trackingNumber, secret);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        detailed: false,
        trackingNumber,
        state: 'submitted',
        stateSince: '2026-03-02T07:00:00.000Z',
      });
      expect(response.body).not.toContain('Zanga');
    }
  });

  it('shows the details with the applicant’s birth date or phone in the header, uncached', async () => {
    const node = await publicNode();
    const { trackingNumber } = (await openFile(node)).json();
    for (const secret of ['14/03/1988', '+33 6 12 34 56 78']) {
      const response = await lookup(node, trackingNumber, secret);
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers.vary).toContain('x-applicant-secret');
      expect(response.json()).toMatchObject({
        detailed: true,
        service: 'passport-renewal',
        applicant: { givenNames: 'Amadou', familyName: 'Zanga' },
        history: [{ state: 'submitted' }],
        invoices: [],
      });
    }
  });

  it('refuses a mistyped tracking number with 400 invalid_tracking_number, an unknown one with 404', async () => {
    const node = await publicNode();
    const { trackingNumber } = (await openFile(node)).json();
    const typo = await lookup(node, mistype(trackingNumber));
    expect(typo.statusCode).toBe(400);
    expect(typo.json().error.code).toBe('invalid_tracking_number');
    const lower = await lookup(node, trackingNumber.toLowerCase().replaceAll('-', ''));
    expect(lower.statusCode).toBe(200);
    const unknown = await lookup(node, `PAR-0000-0000-${checkCharacter('PAR', '00000000')}`);
    expect(unknown.statusCode).toBe(404);
  });

  it('refuses a secret in the query string', async () => {
    const node = await publicNode();
    const { trackingNumber } = (await openFile(node)).json();
    const response = await node.app.inject({
      method: 'GET',
      url: `/api/v1/files/${trackingNumber}?secret=1988-03-14`,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('invalid_request');
  });
});

const REGISTRATION = {
  person: {
    givenNames: 'Béatrice',
    familyName: 'Yakité',
    birthDate: '1990-06-01',
    phone: '+33 6 23 45 67 89',
  },
  sex: 'F',
  birthPlace: 'Bangui',
  census: {
    profession: 'Ingénieure',
    sector: 'engineering',
    skills: ['hydraulique'],
    languages: ['sg', 'fr'],
  },
  consents: { processing: true, census: true, contact: false, textVersion: 'rgpd-2026-01' },
};

describe('node public API: registrations', () => {
  it('registers a national online with the census and consents', async () => {
    const node = await publicNode();
    const response = await node.app.inject({
      method: 'POST',
      url: '/api/v1/registrations',
      payload: REGISTRATION,
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ state: 'submitted' });
    const registration = node.domain.registrations.get(response.json().id);
    expect(registration).toMatchObject({ channel: 'online', census: { sector: 'engineering' } });
    expect(registration?.consents.contact).toMatchObject({ granted: false });
  });

  it('refuses a registration without consent to processing with 422 consent_required', async () => {
    const node = await publicNode();
    const payload = { ...REGISTRATION, consents: { ...REGISTRATION.consents, processing: false } };
    const response = await node.app.inject({ method: 'POST', url: '/api/v1/registrations', payload });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('consent_required');
    expect(node.store.db.prepare('SELECT count(*) AS n FROM registrations').get()).toEqual({ n: 0 });
  });

  it('refuses a person id, a channel, or an unknown sector with 400 invalid_request', async () => {
    const node = await publicNode();
    const bodies = [
      { ...REGISTRATION, personId: '5f1f7c36-8b8e-4f7e-9d61-0c4d3e7d2a11' },
      { ...REGISTRATION, channel: 'counter' },
      { ...REGISTRATION, census: { sector: 'piracy' } },
    ];
    for (const payload of bodies) {
      const response = await node.app.inject({ method: 'POST', url: '/api/v1/registrations', payload });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('invalid_request');
    }
  });
});
