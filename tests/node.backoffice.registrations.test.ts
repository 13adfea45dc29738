import { afterEach, describe, expect, it } from 'vitest';
import type { RegistrationInput } from '../node/services/registrations/registration-schema.js';
import { reconcileRegistryResult } from '../node/services/registrations/registry-reconcile.js';
import type { RegistryResult } from '../protocol/index.js';
import { auditEntries, pageUser, staffApps } from './_util/backoffice-pages.js';
import type { StaffApp } from './_util/staff-app.js';

const apps = staffApps();
afterEach(apps.closeAll);

const REGISTRATION: RegistrationInput = {
  person: { givenNames: 'Anicet Parfait', familyName: 'Gbazoubangui', birthDate: '1979-12-01' },
  birthPlace: 'Bossangoa',
  channel: 'counter',
  census: { profession: 'Chirurgien-dentiste', sector: 'health', skills: [], languages: ['sg'] },
  consents: { processing: true, census: true, contact: false, textVersion: 'consent-2026.1' },
};

function answer(s: StaffApp, id: string, overrides: Partial<RegistryResult>): void {
  const submissionId = s.domain.registrations.get(id)!.registry.submissionId!;
  s.clock.advance(60_000);
  const result: RegistryResult = {
    submissionId,
    recordId: id,
    decision: 'match',
    score: 0.97,
    reasons: [],
    decidedAt: s.clock.now().toISOString(),
    ...overrides,
  };
  reconcileRegistryResult(s.temp.store, result, s.clock.now);
}

describe('back office: registrations and the national registry', () => {
  it('verifies a registration through its form, audited, and refuses it without the CSRF token', async () => {
    const s = await apps.open();
    const { id } = s.domain.registrations.submit(REGISTRATION, 'portal');
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const forged = await agent.post(`/staff/immatriculations/${id}/verifier`, {}, '');
    expect(forged.statusCode).toBe(403);
    expect(s.domain.registrations.get(id)?.state).toBe('submitted');
    const page = await agent.get('/staff/immatriculations');
    expect(page.body).toContain('Non transmis');
    const verified = await agent.submit(
      '/staff/immatriculations',
      `/staff/immatriculations/${id}/verifier`,
      {},
    );
    expect(verified.statusCode).toBe(303);
    expect(s.domain.registrations.get(id)?.state).toBe('verified');
    expect(auditEntries(s, 'registration.verified')).toEqual([
      { actor: 'yakite', entity: 'registration', entityId: id },
    ]);
    const waiting = await agent.get('/staff/immatriculations?etat=verified');
    expect(waiting.body).toContain('Transmis, réponse attendue');
  });

  it('shows the national ID the registry linked, and lists the records it flagged for review', async () => {
    const s = await apps.open();
    const matched = s.domain.registrations.submit(REGISTRATION, 'portal').id;
    const doubtful = s.domain.registrations.submit(
      {
        ...REGISTRATION,
        person: { givenNames: 'Anicet', familyName: 'Gbazoubangui <bis>', birthDate: '1980-01-01' },
      },
      'portal',
    ).id;
    for (const id of [matched, doubtful]) s.domain.registrations.verify(id, 'yakite');
    answer(s, matched, { decision: 'match', nationalId: 'CF-1979-004417' });
    answer(s, doubtful, { decision: 'review', reasons: ['homonyme'] });
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const verified = await agent.get('/staff/immatriculations?etat=verified');
    expect(verified.body).toContain('Rapproché');
    expect(verified.body).toContain('CF-1979-004417');
    expect(verified.body).toContain('Personne connue du registre');
    expect(verified.body).toContain('Signalé pour examen');
    const flagged = await agent.get('/staff/immatriculations?etat=registre');
    expect(flagged.statusCode).toBe(200);
    expect(flagged.body).toContain('Gbazoubangui &lt;bis&gt;');
    expect(flagged.body).not.toContain('CF-1979-004417');
    expect(flagged.body).toContain('class="flagged"');
  });

  it('refuses an unknown tab, and the pages to an auditor', async () => {
    const s = await apps.open();
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    expect((await agent.get('/staff/immatriculations?etat=review')).statusCode).toBe(400);
    const auditor = await pageUser(s, await s.enrolled('kette', ['auditor']));
    expect((await auditor.get('/staff/immatriculations?etat=registre')).statusCode).toBe(403);
  });
});
