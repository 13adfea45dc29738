import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { publicApiRoutes } from '../node/http/api/public/index.js';
import { buildHttpApp } from '../node/http/app.js';
import { createNodeMetrics } from '../node/metrics.js';
import { applicant, codeFor, TUESDAY_9AM, wrongCode } from './_util/appointments.js';
import { pageUser } from './_util/backoffice-pages.js';
import { csrfOf, openStaffApp, type StaffApp } from './_util/staff-app.js';
import { bookToday } from './_util/staff-counter.js';

const apps: StaffApp[] = [];
const publicApps: FastifyInstance[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  // The public side shares the staff app's domain: it goes first, before that domain is closed.
  for (const app of publicApps.splice(0)) await app.close();
  for (const app of apps.splice(0)) await app.close();
});

async function open(): Promise<StaffApp> {
  const app = await openStaffApp();
  apps.push(app);
  return app;
}

/**
 * The public API over the same store, domain and clock as the staff app. openStaffApp leaves it
 * out; the change feed follows the store, whatever app made the change, so an app of its own
 * proves the same path as the node's.
 */
async function publicSide(s: StaffApp): Promise<FastifyInstance> {
  const app = await buildHttpApp({
    missionId: s.config.missionId,
    metrics: createNodeMetrics(s.config.missionId),
    logLevel: 'silent',
  });
  await app.register(publicApiRoutes, {
    domain: s.domain,
    config: s.config,
    now: s.clock.now,
  });
  await app.ready();
  publicApps.push(app);
  return app;
}

interface LiveMessage {
  readonly type: string;
  readonly ref?: string;
  readonly serviceCode?: string;
  readonly state?: string;
  readonly at: string;
}

/** An agent's open screen: what it received, and a wait for the n-th message. */
interface Screen {
  readonly socket: WebSocket;
  readonly received: LiveMessage[];
  /** Resolves with all messages once `count` have arrived; rejects if the socket closes first. */
  until(count: number): Promise<LiveMessage[]>;
}

async function connect(s: StaffApp, headers: Record<string, string> = {}): Promise<Screen> {
  const received: LiveMessage[] = [];
  const waiters = new Set<{ count: number; resolve: () => void; reject: (error: Error) => void }>();
  const wake = () => {
    for (const waiter of waiters) {
      if (received.length < waiter.count) continue;
      waiters.delete(waiter);
      waiter.resolve();
    }
  };
  const socket = await s.app.injectWS('/api/v1/staff/live', upgrade(headers), {
    onInit: (ws) => {
      ws.on('message', (data) => {
        received.push(JSON.parse(String(data)) as LiveMessage);
        wake();
      });
      ws.on('close', () => {
        for (const waiter of waiters) waiter.reject(new Error(`socket closed after ${received.length}`));
        waiters.clear();
      });
    },
  });
  sockets.push(socket);
  const until = (count: number) =>
    new Promise<LiveMessage[]>((resolve, reject) => {
      waiters.add({ count, resolve: () => resolve([...received]), reject });
      wake();
    });
  return { socket, received, until };
}

// injectWS builds the upgrade request without a socket; the rate limiter keys on its address.
const upgrade = (headers: Record<string, string> = {}) =>
  ({ headers, socket: { remoteAddress: '127.0.0.1' } }) as unknown as Parameters<
    StaffApp['app']['injectWS']
  >[1];

/**
 * Whatever an applicant or an agent typed in these tests, as typed and as stored: none of it may
 * reach a screen. Literal strings, long enough not to turn up by chance in a random id.
 */
const PERSONAL = [
  'Clarisse',
  'Ngoumbango',
  'Bérénice',
  'Kossi',
  'Amadou',
  'Zanga',
  'CF1000001',
  'CF2000002',
  '1990-05-17',
  '1988-03-14',
  '612345678',
  '06 12 34 56 78',
  '+33 6 12 34 56 78',
  '610000001',
  '+33 6 10000001',
];

/** The personal strings found in what a screen received. */
const leaked = (received: readonly LiveMessage[]) => {
  const wire = JSON.stringify(received);
  return PERSONAL.filter((value) => wire.includes(value));
};

const RENEWAL = 'passport-renewal';

function bookingBody(n: number, slotStart = TUESDAY_9AM) {
  return { service: RENEWAL, slotStart, ...applicant(n) };
}

const book = (pub: FastifyInstance, payload: object) =>
  pub.inject({ method: 'POST', url: '/api/v1/appointments', payload });

const confirm = (pub: FastifyInstance, reference: string, code: string) =>
  pub.inject({ method: 'POST', url: `/api/v1/appointments/${reference}/confirm`, payload: { code } });

const openStaffFile = (s: StaffApp, cookie: string, payload: object) =>
  s.app.inject({ method: 'POST', url: '/api/v1/staff/files', headers: { cookie }, payload });

const COUNTER_FORM = {
  serviceCode: RENEWAL,
  givenNames: 'Bérénice',
  familyName: 'Kossi',
  birthDate: '1990-05-17',
  phone: '06 12 34 56 78',
  email: '',
  idNumber: 'CF2000002',
  address: '',
  lang: 'fr',
  note: '',
};

const ONLINE_APPLICANT = {
  givenNames: 'Amadou',
  familyName: 'Zanga',
  birthDate: '1988-03-14',
  phone: '06 12 34 56 78',
};

describe('back office: live updates', () => {
  it('delivers a booking committed anywhere (here the service itself, as a job would) to an agent’s open screen', async () => {
    const s = await open();
    const { cookie } = await s.login(await s.enrolled('yakite', ['agent']));
    const screen = await connect(s, { cookie });
    expect(s.domain.changes.size).toBe(1);
    const { reference } = s.domain.appointments.book(
      { serviceCode: RENEWAL, slotStart: TUESDAY_9AM, ...applicant(1) },
      'system:test',
    );
    expect(await screen.until(1)).toEqual([
      {
        type: 'appointment.held',
        ref: reference,
        serviceCode: RENEWAL,
        state: 'held',
        at: s.clock.now().toISOString(),
      },
    ]);
  });

  it('refuses a socket without a session, or from another site', async () => {
    const s = await open();
    await expect(s.app.injectWS('/api/v1/staff/live', upgrade())).rejects.toThrow(/401/);
    const { cookie } = await s.login(await s.enrolled('yakite', ['agent']));
    await expect(
      s.app.injectWS(
        '/api/v1/staff/live',
        upgrade({ cookie, origin: 'https://evil.example', host: 'localhost:80' }),
      ),
    ).rejects.toThrow(/403/);
    expect(s.domain.changes.size).toBe(0);
  });

  it('sends each screen only the events its roles may read', async () => {
    const s = await open();
    const { cookie } = await s.login(await s.enrolled('audrey', ['auditor']));
    const screen = await connect(s, { cookie });
    const agent = await s.login(await s.enrolled('yakite', ['agent']));
    // A booking (appointments: not the auditor's) with its new applicant (people: nobody's area).
    s.domain.appointments.book(
      { serviceCode: RENEWAL, slotStart: TUESDAY_9AM, ...applicant(1) },
      'system:test',
    );
    // Frames of one socket arrive in order: once the last one is in, the others had their chance.
    const opened = await openStaffFile(s, agent.cookie, {
      person: { givenNames: 'Clarisse', familyName: 'Ngoumbango', phone: '+33 6 12 34 56 78' },
      serviceCode: RENEWAL,
    });
    expect(opened.statusCode).toBe(201);
    await screen.until(1);
    expect(screen.received.map((event) => event.type)).toEqual(['file.opened']);
  });

  it('tells the other agents’ screens of a check-in made through the form', async () => {
    const s = await open();
    const reference = bookToday(s, {
      givenNames: 'Clarisse',
      familyName: 'Ngoumbango',
      documentNumber: 'CF1000001',
      phone: '+33 6 12 34 56 78',
    });
    const watcher = await s.login(await s.enrolled('bozize', ['agent']));
    const screen = await connect(s, { cookie: watcher.cookie });
    const { cookie } = await s.login(await s.enrolled('yakite', ['agent']));
    const page = await s.app.inject({ url: '/staff/rendez-vous', headers: { cookie } });
    expect(page.body).toContain('data-live="appointment"');
    await s.app.inject({
      method: 'POST',
      url: '/staff/rendez-vous/pointage',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: csrfOf(page.body),
        reference,
        givenNames: 'Clarisse',
        familyName: 'Ngoumbango',
        documentNumber: 'CF1000001',
      }).toString(),
    });
    expect(await screen.until(1)).toContainEqual(
      expect.objectContaining({ type: 'appointment.checked_in', ref: reference, state: 'checked_in' }),
    );
  });

  it('serves the live script as a file of its own', async () => {
    const s = await open();
    const script = await s.app.inject({ url: '/staff/assets/live.js' });
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.body).toContain('/api/v1/staff/live');
  });
});

describe('back office: live updates from the real routes', () => {
  it('shows a booking made through the public API, held then confirmed, without personal data', async () => {
    const s = await open();
    const pub = await publicSide(s);
    const { cookie } = await s.login(await s.enrolled('yakite', ['agent']));
    const screen = await connect(s, { cookie });

    const held = await book(pub, bookingBody(1));
    expect(held.statusCode).toBe(201);
    const { reference } = held.json() as { reference: string };
    expect(await screen.until(1)).toEqual([
      {
        type: 'appointment.held',
        ref: reference,
        serviceCode: RENEWAL,
        state: 'held',
        at: s.clock.now().toISOString(),
      },
    ]);

    const code = codeFor(s.temp.store, reference);
    expect((await confirm(pub, reference, code)).statusCode).toBe(200);
    const [, booked] = await screen.until(2);
    expect(booked).toEqual({
      type: 'appointment.booked',
      ref: reference,
      serviceCode: RENEWAL,
      state: 'confirmed',
      at: s.clock.now().toISOString(),
    });
    // The appointments page listens to this area: the type is what makes it fetch its list again.
    const page = await s.app.inject({ url: '/staff/rendez-vous', headers: { cookie } });
    expect(page.body).toContain('data-live="appointment"');
    expect(leaked(screen.received)).toEqual([]);
    expect(JSON.stringify(screen.received)).not.toContain(code);
  });

  it('publishes nothing for a booking refused by the public API', async () => {
    const s = await open();
    const pub = await publicSide(s);
    const { cookie } = await s.login(await s.enrolled('yakite', ['agent']));
    const screen = await connect(s, { cookie });
    // passport-renewal slots hold 3 places (seeded calendar).
    const references: string[] = [];
    for (const n of [1, 2, 3]) {
      const held = await book(pub, bookingBody(n));
      expect(held.statusCode).toBe(201);
      references.push((held.json() as { reference: string }).reference);
    }
    await screen.until(3);
    const [first = ''] = references;

    const full = await book(pub, bookingBody(4));
    expect(full.statusCode).toBe(409);
    expect(full.json().error.code).toBe('slot_full');
    const invalid = await book(pub, { ...bookingBody(5), phone: '12' });
    expect(invalid.statusCode).toBe(400);
    const unknown = await book(pub, { ...bookingBody(6), service: 'no-such-service' });
    expect(unknown.statusCode).toBe(404);
    const wrong = await confirm(pub, first, wrongCode(codeFor(s.temp.store, first)));
    expect(wrong.statusCode).toBe(422);

    // A change that does publish, after the refusals: had one of them published, it would come first.
    expect((await confirm(pub, first, codeFor(s.temp.store, first))).statusCode).toBe(200);
    const messages = await screen.until(4);
    expect(messages.slice(3)).toEqual([expect.objectContaining({ type: 'appointment.booked', ref: first })]);
  });

  it('shows a file opened through the staff API on another agent’s screen', async () => {
    const s = await open();
    const watcher = await s.login(await s.enrolled('bozize', ['agent']));
    const screen = await connect(s, { cookie: watcher.cookie });
    const { cookie } = await s.login(await s.enrolled('yakite', ['agent']));

    const opened = await openStaffFile(s, cookie, {
      person: { givenNames: 'Clarisse', familyName: 'Ngoumbango', phone: '+33 6 12 34 56 78' },
      serviceCode: RENEWAL,
    });
    expect(opened.statusCode).toBe(201);
    const file = opened.json() as { id: string; state: string };
    expect(await screen.until(1)).toEqual([
      {
        type: 'file.opened',
        ref: file.id,
        serviceCode: RENEWAL,
        state: file.state,
        at: s.clock.now().toISOString(),
      },
    ]);
    expect(file.state).toBe(s.domain.files.get(file.id)?.state);
    const queue = await s.app.inject({ url: '/staff/dossiers', headers: { cookie: watcher.cookie } });
    expect(queue.body).toContain('data-live="file"');
    expect(leaked(screen.received)).toEqual([]);
  });

  it('shows a file opened with the counter form on another agent’s screen', async () => {
    const s = await open();
    const watcher = await s.login(await s.enrolled('bozize', ['agent']));
    const screen = await connect(s, { cookie: watcher.cookie });
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));

    const posted = await agent.submit('/staff/dossiers/nouveau', '/staff/dossiers/nouveau', COUNTER_FORM);
    expect(posted.statusCode).toBe(303);
    const fileId = /^\/staff\/dossiers\/([0-9a-f-]{36})\?/.exec(String(posted.headers.location))?.[1];
    const file = s.domain.files.get(fileId ?? '');
    expect(file).toBeDefined();
    expect(await screen.until(1)).toEqual([
      {
        type: 'file.opened',
        ref: fileId,
        serviceCode: RENEWAL,
        state: file?.state,
        at: s.clock.now().toISOString(),
      },
    ]);
    expect(leaked(screen.received)).toEqual([]);
    expect(JSON.stringify(screen.received)).not.toContain(file?.trackingNumber);
  });

  it('shows a file submitted online through the public API', async () => {
    const s = await open();
    const pub = await publicSide(s);
    const { cookie } = await s.login(await s.enrolled('yakite', ['agent']));
    const screen = await connect(s, { cookie });

    const submitted = await pub.inject({
      method: 'POST',
      url: '/api/v1/files',
      payload: { service: RENEWAL, applicant: ONLINE_APPLICANT, lang: 'fr' },
    });
    expect(submitted.statusCode).toBe(201);
    const { trackingNumber } = submitted.json() as { trackingNumber: string };
    const file = s.domain.files.findByTrackingNumber(trackingNumber);
    expect(file?.channel).toBe('online');
    expect(await screen.until(1)).toEqual([
      {
        type: 'file.opened',
        ref: file?.id,
        serviceCode: RENEWAL,
        state: 'submitted',
        at: s.clock.now().toISOString(),
      },
    ]);
    expect(leaked(screen.received)).toEqual([]);
    expect(JSON.stringify(screen.received)).not.toContain(trackingNumber);
  });

  it('publishes nothing for a file refused by the staff API, the counter form or the public API', async () => {
    const s = await open();
    const pub = await publicSide(s);
    const watcher = await s.login(await s.enrolled('bozize', ['agent']));
    const screen = await connect(s, { cookie: watcher.cookie });
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const auditor = await s.login(await s.enrolled('kette', ['auditor']));
    const person = { givenNames: 'Clarisse', familyName: 'Ngoumbango', phone: '+33 6 12 34 56 78' };

    expect((await openStaffFile(s, agent.cookie, { serviceCode: RENEWAL })).statusCode).toBe(400);
    expect(
      (await openStaffFile(s, agent.cookie, { person, serviceCode: 'no-such-service' })).statusCode,
    ).toBe(404);
    expect((await openStaffFile(s, auditor.cookie, { person, serviceCode: RENEWAL })).statusCode).toBe(403);
    const badForm = await agent.submit('/staff/dossiers/nouveau', '/staff/dossiers/nouveau', {
      ...COUNTER_FORM,
      phone: '',
      birthDate: '',
    });
    expect(badForm.statusCode).toBe(400);
    const noCsrf = await agent.post('/staff/dossiers/nouveau', COUNTER_FORM, '');
    expect(noCsrf.statusCode).toBe(403);
    const untrackable = await pub.inject({
      method: 'POST',
      url: '/api/v1/files',
      payload: { service: RENEWAL, applicant: { givenNames: 'Amadou', familyName: 'Zanga' } },
    });
    expect(untrackable.statusCode).toBe(400);
    const unknownOnline = await pub.inject({
      method: 'POST',
      url: '/api/v1/files',
      payload: { service: 'no-such-service', applicant: ONLINE_APPLICANT },
    });
    expect(unknownOnline.statusCode).toBe(404);
    const fileCount = s.temp.store.db.prepare('SELECT count(*) AS n FROM files').get() as { n: number };
    expect(fileCount.n).toBe(0);

    // A file that does open, after the refusals: had one of them published, it would come first.
    const opened = await openStaffFile(s, agent.cookie, { person, serviceCode: RENEWAL });
    expect(opened.statusCode).toBe(201);
    expect(await screen.until(1)).toEqual([
      expect.objectContaining({ type: 'file.opened', ref: (opened.json() as { id: string }).id }),
    ]);
  });

  it('shows a booking moved or cancelled online, and nothing for a change refused', async () => {
    const s = await open();
    const pub = await publicSide(s);
    const { cookie } = await s.login(await s.enrolled('yakite', ['agent']));
    const held = await book(pub, bookingBody(1));
    const { reference } = held.json() as { reference: string };
    expect((await confirm(pub, reference, codeFor(s.temp.store, reference))).statusCode).toBe(200);
    const screen = await connect(s, { cookie });
    const change = (action: string, payload: object) =>
      pub.inject({ method: 'POST', url: `/api/v1/appointments/${reference}/${action}`, payload });
    const { phone } = applicant(1);
    const later = s.domain.appointments.listSlots({
      serviceCode: RENEWAL,
      from: '2026-03-03',
      to: '2026-03-03',
    })[1]!;

    expect((await change('cancel', { phone: applicant(2).phone })).statusCode).toBe(404);
    expect((await change('reschedule', { phone, slotStart: later.start })).statusCode).toBe(200);
    expect((await change('cancel', { phone })).statusCode).toBe(200);
    const at = s.clock.now().toISOString();
    expect(await screen.until(2)).toEqual([
      { type: 'appointment.rescheduled', ref: reference, serviceCode: RENEWAL, state: 'confirmed', at },
      { type: 'appointment.cancelled', ref: reference, serviceCode: RENEWAL, state: 'cancelled', at },
    ]);
    expect(leaked(screen.received)).toEqual([]);
  });

  it('tells an auditor’s screen of a new online file but not of a new booking', async () => {
    const s = await open();
    const pub = await publicSide(s);
    const { cookie } = await s.login(await s.enrolled('audrey', ['auditor']));
    const screen = await connect(s, { cookie });

    expect((await book(pub, bookingBody(1))).statusCode).toBe(201);
    const submitted = await pub.inject({
      method: 'POST',
      url: '/api/v1/files',
      payload: { service: RENEWAL, applicant: ONLINE_APPLICANT },
    });
    expect(submitted.statusCode).toBe(201);
    expect((await screen.until(1)).map((event) => event.type)).toEqual(['file.opened']);
  });
});
