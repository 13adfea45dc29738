import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { csrfOf, openStaffApp, type StaffApp } from './_util/staff-app.js';
import { bookToday } from './_util/staff-counter.js';

const apps: StaffApp[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  for (const app of apps.splice(0)) await app.close();
});

async function open(): Promise<StaffApp> {
  const app = await openStaffApp();
  apps.push(app);
  return app;
}

async function connect(
  s: StaffApp,
  headers: Record<string, string> = {},
): Promise<{ socket: WebSocket; received: unknown[] }> {
  const received: unknown[] = [];
  const socket = await s.app.injectWS('/api/v1/staff/live', upgrade(headers), {
    onInit: (ws) => ws.on('message', (data) => received.push(JSON.parse(String(data)))),
  });
  sockets.push(socket);
  return { socket, received };
}

// injectWS builds the upgrade request without a socket; the rate limiter keys on its address.
const upgrade = (headers: Record<string, string> = {}) =>
  ({ headers, socket: { remoteAddress: '127.0.0.1' } }) as unknown as Parameters<
    StaffApp['app']['injectWS']
  >[1];

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('back office: live updates', () => {
  it('delivers a published booking to an agent’s open screen', async () => {
    const s = await open();
    const { cookie } = await s.login(await s.enrolled('yakite', ['agent']));
    const { received } = await connect(s, { cookie });
    expect(s.live.size).toBe(1);
    s.live.publish({
      type: 'appointment.booked',
      ref: 'RDV-ABC123',
      serviceCode: 'passport-renewal',
      state: 'confirmed',
    });
    await settle();
    expect(received).toEqual([
      {
        type: 'appointment.booked',
        ref: 'RDV-ABC123',
        serviceCode: 'passport-renewal',
        state: 'confirmed',
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
    expect(s.live.size).toBe(0);
  });

  it('sends each screen only the events its roles may read', async () => {
    const s = await open();
    const { cookie } = await s.login(await s.enrolled('audrey', ['auditor']));
    const { received } = await connect(s, { cookie });
    s.live.publish({ type: 'appointment.booked', ref: 'RDV-ABC123' });
    s.live.publish({ type: 'file.opened', ref: 'f1' });
    s.live.publish({ type: 'mystery.happened', ref: 'x' });
    await settle();
    expect(received.map((event) => (event as { type: string }).type)).toEqual(['file.opened']);
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
    const { received } = await connect(s, { cookie: watcher.cookie });
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
    await settle();
    expect(received).toContainEqual(
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
