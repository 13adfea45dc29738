import { afterEach, describe, expect, it } from 'vitest';
import { markSmsFailed, markSmsSent } from '../node/services/outbox/sms-outbox.js';
import { smsOutbox } from './_util/appointments.js';
import { pageUser, staffApps } from './_util/backoffice-pages.js';
import type { StaffApp } from './_util/staff-app.js';
import { bookToday } from './_util/staff-counter.js';

const apps = staffApps();
afterEach(apps.closeAll);

/** A confirmed booking (two SMS) and a counter file with a phone (one SMS). */
function withSms(s: StaffApp) {
  const reference = bookToday(s, {
    givenNames: 'Clarisse',
    familyName: 'Ngoumbango',
    documentNumber: 'CF1000001',
    phone: '+33 6 12 34 56 78',
  });
  const person = s.domain.people.create(
    { givenNames: 'Hervé', familyName: 'Yangongo', phone: '+33 7 98 76 54 32' },
    'yakite',
  );
  const file = s.domain.files.open(
    { personId: person.id, serviceCode: 'passport-renewal', channel: 'counter' },
    'yakite',
  );
  return { reference, file };
}

const smsIds = (s: StaffApp, ref: string) =>
  (
    s.temp.store.db.prepare('SELECT id FROM sms_outbox WHERE ref = ? ORDER BY id').all(ref) as {
      id: number;
    }[]
  ).map((row) => row.id);

describe('back office: SMS delivery state', () => {
  it('lists every outgoing SMS with its state, never its number or text', async () => {
    const s = await apps.open();
    const { reference, file } = withSms(s);
    const [codeSms] = smsIds(s, reference);
    markSmsSent(s.temp.store, codeSms!, s.clock.now());
    const [fileSms] = smsIds(s, file.id);
    markSmsFailed(s.temp.store, fileSms!, 'gateway <503>', new Date(s.clock.now().getTime() + 60_000));
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const page = await agent.get('/staff/sms');
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('Code de réservation');
    expect(page.body).toContain('Envoyé');
    expect(page.body).toContain('Suivi de dossier');
    expect(page.body).toContain('En échec, nouvel essai prévu');
    expect(page.body).toContain('gateway &lt;503&gt;');
    expect(page.body).toContain(`Dossier ${file.trackingNumber}`);
    expect(page.body).toContain(reference);
    for (const sms of smsOutbox(s.temp.store)) {
      expect(page.body).not.toContain(sms.to);
      expect(page.body).not.toContain(sms.to.slice(-8));
      expect(page.body).not.toContain(sms.text);
    }
  });

  it('filters by an appointment reference or a tracking number as typed at the counter', async () => {
    const s = await apps.open();
    const { reference, file } = withSms(s);
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const typedReference = reference.toLowerCase().replaceAll('-', ' ');
    const byBooking = await agent.get(`/staff/sms?ref=${encodeURIComponent(typedReference)}`);
    expect(byBooking.statusCode).toBe(200);
    expect(byBooking.body).toContain('Code de réservation');
    expect(byBooking.body).not.toContain('Suivi de dossier');
    const byFile = await agent.get(`/staff/sms?ref=${encodeURIComponent(file.trackingNumber)}`);
    expect(byFile.body).toContain('Suivi de dossier');
    expect(byFile.body).not.toContain('Code de réservation');
    const none = await agent.get('/staff/sms?ref=RDV-2222-2222');
    expect(none.body).toContain('Aucun SMS pour « RDV-2222-2222 »');
  });

  it('refuses a ref longer than any record’s', async () => {
    const s = await apps.open();
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const response = await agent.get(`/staff/sms?ref=${'A'.repeat(81)}`);
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('incomplètes ou invalides');
  });

  it('refuses the page to an auditor, whose file pages leave the SMS out', async () => {
    const s = await apps.open();
    const { file } = withSms(s);
    const auditor = await pageUser(s, await s.enrolled('kette', ['auditor']));
    expect((await auditor.get('/staff/sms')).statusCode).toBe(403);
    const filePage = await auditor.get(`/staff/dossiers/${file.id}`);
    expect(filePage.statusCode).toBe(200);
    expect(filePage.body).not.toContain('SMS au demandeur');
    expect(filePage.body).not.toContain('href="/staff/sms"');
  });

  it('shows the delivery state of a record’s SMS on its file and appointment pages', async () => {
    const s = await apps.open();
    const { reference, file } = withSms(s);
    for (const id of smsIds(s, reference)) markSmsSent(s.temp.store, id, s.clock.now());
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const filePage = await agent.get(`/staff/dossiers/${file.id}`);
    expect(filePage.body).toContain('SMS au demandeur');
    expect(filePage.body).toContain('Suivi de dossier — En attente d’envoi');
    expect(filePage.body).toContain(`/staff/sms?ref=${encodeURIComponent(file.trackingNumber)}`);
    const day = await agent.get('/staff/rendez-vous');
    expect(day.body).toContain(`/staff/sms?ref=${reference}`);
    expect(day.body).toContain('Rendez-vous confirmé : Envoyé');
  });
});
