import { afterEach, describe, expect, it } from 'vitest';
import { RollCallEvents } from '../protocol/index.js';
import { auditEntries, pageUser, staffApps } from './_util/backoffice-pages.js';
import type { StaffApp } from './_util/staff-app.js';

const apps = staffApps();
afterEach(() => apps.closeAll());

/** A registered national in Paris, and a roll-call ordered by a directive asking (or not) for the list. */
function ordered(s: StaffApp, needHelpList: boolean): string {
  const registration = s.domain.registrations.submit(
    {
      person: {
        givenNames: 'Awa',
        familyName: 'Kossi',
        phone: '+33611111111',
        address: '12 rue Oberkampf, 75011 Paris',
        birthDate: '1988-01-01',
      },
      channel: 'counter',
      census: { languages: [] },
      consents: { processing: true, census: true, contact: true, textVersion: 'consent-2026.1' },
    },
    'agent:amina',
  );
  s.domain.registrations.verify(registration.id, 'agent:amina');
  const outcome = s.domain.rollCalls.start(
    {
      title: 'Crue de la Seine',
      message: { fr: 'Êtes-vous en sécurité ?', sg: 'Âla yeke na nzönî ndo?', en: 'Are you safe?' },
      zone: { all: true },
      endsAt: new Date(Date.now() + 86_400_000).toISOString(),
    },
    { actor: 'hub:DAC', directiveId: crypto.randomUUID(), needHelpList },
  );
  if (outcome.dryRun) throw new TypeError('a dry run');
  return outcome.id;
}

const needHelpEvents = (s: StaffApp) =>
  s.temp.store.db.prepare('SELECT count(*) FROM outbox WHERE kind = ?').pluck().get(RollCallEvents.NeedHelp);

describe('back office: the ministry’s request for the list of the people who need help', () => {
  it('shows the consul the request, and sends the list only on the consul’s approval, audited', async () => {
    const s = await apps.open();
    const id = ordered(s, true);
    const agent = await pageUser(s, await s.enrolled('amina', ['agent']));
    const consul = await pageUser(s, await s.enrolled('kossi', ['consul']));

    const seenByAgent = await agent.get(`/staff/appels/${id}`);
    expect(seenByAgent.body).toContain('Liste demandée par le ministère');
    expect(seenByAgent.body).toContain('En attente de votre décision');
    expect(seenByAgent.body).not.toContain('Approuver l’envoi de la liste');
    const byAgent = await agent.submit(`/staff/appels/${id}`, `/staff/appels/${id}/liste-aide/approuver`, {});
    expect(byAgent.statusCode).toBe(403);
    // A form without its CSRF token changes nothing either.
    const forged = await consul.post(`/staff/appels/${id}/liste-aide/approuver`, {}, 'forged');
    expect(forged.statusCode).toBe(403);
    expect(needHelpEvents(s)).toBe(0);

    const page = await consul.get(`/staff/appels/${id}`);
    expect(page.body).toContain('Approuver l’envoi de la liste');
    const approved = await consul.submit(
      `/staff/appels/${id}`,
      `/staff/appels/${id}/liste-aide/approuver`,
      {},
    );
    expect(approved.statusCode).toBe(303);
    expect(approved.headers.location).toBe(`/staff/appels/${id}?ok=roll_call_need_help_approved`);
    expect(needHelpEvents(s)).toBe(1);
    const after = await consul.get(`/staff/appels/${id}`);
    expect(after.body).toContain('Envoi approuvé par kossi');
    expect(after.body).toContain('Retirer l’accord et arrêter l’envoi');
    expect(auditEntries(s, 'roll_call.need_help_approved')).toHaveLength(1);

    const withdrawn = await consul.submit(
      `/staff/appels/${id}`,
      `/staff/appels/${id}/liste-aide/refuser`,
      {},
    );
    expect(withdrawn.headers.location).toBe(`/staff/appels/${id}?ok=roll_call_need_help_refused`);
    expect((await consul.get(`/staff/appels/${id}`)).body).toContain('Envoi refusé par kossi');
  });

  it('shows no request where the directive asked for none, and refuses a decision on it', async () => {
    const s = await apps.open();
    const id = ordered(s, false);
    const consul = await pageUser(s, await s.enrolled('kossi', ['consul']));
    const page = await consul.get(`/staff/appels/${id}`);
    expect(page.body).not.toContain('Liste demandée par le ministère');
    const refused = await consul.submit(
      `/staff/appels/${id}`,
      `/staff/appels/${id}/liste-aide/approuver`,
      {},
    );
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('Le ministère n’a pas demandé de liste pour cet appel.');
    expect(needHelpEvents(s)).toBe(0);
  });
});
