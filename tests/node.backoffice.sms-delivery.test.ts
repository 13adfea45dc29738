import { afterEach, describe, expect, it } from 'vitest';
import { markSmsSent } from '../node/services/outbox/sms-outbox.js';
import { pageUser, staffApps } from './_util/backoffice-pages.js';
import type { StaffApp } from './_util/staff-app.js';

const apps = staffApps();
afterEach(apps.closeAll);

/** Four file-status SMS to four people: one delivered, one expired, one sent unanswered, one queued. */
function fourSms(s: StaffApp) {
  const ids = ['+33 6 11 11 11 11', '+33 6 22 22 22 22', '+33 6 33 33 33 33', '+33 6 44 44 44 44'].map(
    (phone, index) => {
      const person = s.domain.people.create(
        { givenNames: 'Hervé', familyName: `Yangongo${'a'.repeat(index + 1)}`, phone },
        'yakite',
      );
      const file = s.domain.files.open(
        { personId: person.id, serviceCode: 'passport-renewal', channel: 'counter' },
        'yakite',
      );
      const row = s.temp.store.db.prepare('SELECT id FROM sms_outbox WHERE ref = ?').get(file.id) as {
        id: number;
      };
      return { id: row.id, file };
    },
  );
  const [delivered, expired, awaiting] = ids;
  markSmsSent(s.temp.store, delivered!.id, s.clock.now(), 'smsc-1');
  markSmsSent(s.temp.store, expired!.id, s.clock.now(), 'smsc-2');
  markSmsSent(s.temp.store, awaiting!.id, s.clock.now(), 'smsc-3');
  const receivedAt = s.clock.now();
  s.domain.sms.applyReceipt({ providerId: 'smsc-1', delivery: 'delivered', status: 'DELIVRD' }, receivedAt);
  s.domain.sms.applyReceipt(
    { providerId: 'smsc-2', delivery: 'undelivered', status: 'EXPIRED' },
    s.clock.now(),
  );
  return { ids, receivedAt };
}

describe('back office and staff API: SMS delivery receipts', () => {
  it('shows each SMS as delivered, expired, awaiting its receipt or not yet sent', async () => {
    const s = await apps.open();
    fourSms(s);
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const page = await agent.get('/staff/sms');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<th>Remise</th>');
    const cells = [...page.body.matchAll(/<td class="delivery-([a-z]+)">([^<]*)/g)].map((m) => [
      m[1],
      m[2]?.trim(),
    ]);
    // Newest first: the queued SMS, the unanswered one, the expired one, the delivered one.
    expect(cells).toEqual([
      ['none', '—'],
      ['awaiting', 'Accusé de réception attendu'],
      [
        'undelivered',
        expect.stringContaining('Expiré : téléphone injoignable pendant la durée de validité (EXPIRED)'),
      ],
      ['delivered', expect.stringContaining('Remis au téléphone')],
    ]);
  });

  it('shows the receipt on the SMS part of a file’s page', async () => {
    const s = await apps.open();
    const [delivered] = fourSms(s).ids;
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const page = await agent.get(`/staff/dossiers/${delivered!.file.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/Suivi de dossier — Envoyé le [^<]+ — Remis au téléphone/);
  });

  it('returns the receipt’s verdict, time and the operator’s word in the staff API', async () => {
    const s = await apps.open();
    const { receivedAt } = fourSms(s);
    const { cookie } = await s.login(await s.enrolled('awa', ['agent']));
    const response = await s.app.inject({ url: '/api/v1/staff/sms?limit=10', headers: { cookie } });
    expect(response.statusCode).toBe(200);
    const sms = response.json().sms as Record<string, unknown>[];
    expect(sms.map((row) => [row.state, row.delivery ?? null, row.deliveryStatus ?? null])).toEqual([
      ['pending', null, null],
      ['sent', null, null],
      ['sent', 'undelivered', 'EXPIRED'],
      ['sent', 'delivered', 'DELIVRD'],
    ]);
    expect(sms[3]).toMatchObject({ deliveredAt: receivedAt.toISOString() });
  });
});
