import { afterEach, describe, expect, it } from 'vitest';
import type { CivilStatusInput } from '../node/services/civil-status/civil-status-schema.js';
import { reconcileRegistryResult } from '../node/services/registrations/registry-reconcile.js';
import { auditEntries, pageUser, staffApps } from './_util/backoffice-pages.js';
import type { StaffApp } from './_util/staff-app.js';

const apps = staffApps();
afterEach(apps.closeAll);

const BIRTH: CivilStatusInput = {
  kind: 'birth',
  eventDate: '2025-11-03',
  eventPlace: 'Hôpital Necker, Paris',
  eventCountry: 'FR',
  channel: 'counter',
  source: { certificateNumber: 'N-2025-118877', issuingAuthority: 'Mairie du 15e <arrondissement>' },
  persons: [
    { role: 'child', givenNames: 'Maëlys Grâce', familyName: 'Yangongo', sex: 'F' },
    { role: 'mother', givenNames: 'Clarisse', familyName: 'Ndakala', birthDate: '1994' },
  ],
};

const submitBirth = (s: StaffApp) => s.domain.civilStatus.submit(BIRTH, 'portal').id;

describe('back office: civil-status transcriptions', () => {
  it('lists requests by state and shows one with its persons and source certificate', async () => {
    const s = await apps.open();
    const id = submitBirth(s);
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const list = await agent.get('/staff/etat-civil');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Maëlys Grâce Yangongo');
    expect(list.body).toContain(`/staff/etat-civil/${id}`);
    expect(list.body).toContain('href="/staff/etat-civil"');
    expect((await agent.get('/staff/etat-civil?etat=transcribed')).body).not.toContain(id);
    const page = await agent.get(`/staff/etat-civil/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('N-2025-118877');
    expect(page.body).toContain('Mairie du 15e &lt;arrondissement&gt;');
    expect(page.body).toContain('Clarisse Ndakala');
    expect(page.body).toContain('Non transmis');
    expect(page.body).toContain('/instruction');
    expect(page.body).not.toContain('/transcription"');
  });

  it('refuses the pages and the moves to an auditor and an administrator', async () => {
    const s = await apps.open();
    const id = submitBirth(s);
    for (const [name, roles] of [
      ['kette', ['auditor']],
      ['admin2', ['admin']],
    ] as const) {
      const user = await pageUser(s, await s.enrolled(name, [...roles]));
      expect((await user.get('/staff/etat-civil')).statusCode).toBe(403);
      expect((await user.get(`/staff/etat-civil/${id}`)).statusCode).toBe(403);
      expect((await user.get('/staff/compte')).body).not.toContain('/staff/etat-civil');
      const token = /name="_csrf" value="([^"]+)"/.exec((await user.get('/staff/compte')).body)?.[1];
      const moved = await user.post(`/staff/etat-civil/${id}/instruction`, {}, token);
      expect(moved.statusCode).toBe(403);
    }
    expect(s.domain.civilStatus.get(id)?.state).toBe('submitted');
  });

  it('refuses a move without the CSRF token', async () => {
    const s = await apps.open();
    const id = submitBirth(s);
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const response = await agent.post(`/staff/etat-civil/${id}/rejet`, { reason: 'Acte illisible' }, '');
    expect(response.statusCode).toBe(403);
    expect(s.domain.civilStatus.get(id)?.state).toBe('submitted');
  });

  it('refuses a rejection without reason, a malformed act number and a move the workflow forbids', async () => {
    const s = await apps.open();
    const id = submitBirth(s);
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const page = `/staff/etat-civil/${id}`;
    const noReason = await agent.submit(page, `${page}/rejet`, { reason: '   ' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('incomplètes ou invalides');
    const early = await agent.submit(page, `${page}/transcription`, { actNumber: 'PAR/2026/12' });
    expect(early.statusCode).toBe(409);
    expect(early.body).toContain('Ce changement d’état n’est pas permis');
    s.domain.civilStatus.startReview(id, 'ngaba');
    const badAct = await agent.submit(page, `${page}/transcription`, { actNumber: 'PAR 2026 <12>' });
    expect(badAct.statusCode).toBe(400);
    expect(s.domain.civilStatus.get(id)).toMatchObject({ state: 'under_review' });
    expect(auditEntries(s, 'civil_status.transcribed')).toEqual([]);
  });

  it('starts the review, transcribes, and shows the national registry’s answer', async () => {
    const s = await apps.open();
    const id = submitBirth(s);
    const agent = await pageUser(s, await s.enrolled('yakite', ['agent']));
    const page = `/staff/etat-civil/${id}`;
    const review = await agent.submit(page, `${page}/instruction`, {});
    expect(review.statusCode).toBe(303);
    expect(review.headers.location).toBe(`${page}?ok=cs_review`);
    const transcribed = await agent.submit(page, `${page}/transcription`, { actNumber: 'PAR/2026/12' });
    expect(transcribed.headers.location).toBe(`${page}?ok=cs_transcribed`);
    const record = s.domain.civilStatus.get(id)!;
    expect(record).toMatchObject({ state: 'transcribed', actNumber: 'PAR/2026/12' });
    expect(auditEntries(s, 'civil_status.transcribed')).toEqual([
      { actor: 'yakite', entity: 'civil_status', entityId: id },
    ]);
    const waiting = await agent.get(`${page}?ok=cs_transcribed`);
    expect(waiting.body).toContain('Acte transcrit');
    expect(waiting.body).toContain('Transmis, réponse attendue');
    expect(waiting.body).toContain('par yakite');
    reconcileRegistryResult(
      s.temp.store,
      {
        submissionId: record.registry.submissionId!,
        recordId: id,
        decision: 'review',
        score: 0.6,
        reasons: ['homonyme'],
        decidedAt: s.clock.now().toISOString(),
      },
      s.clock.now,
    );
    const flagged = await agent.get(page);
    expect(flagged.body).toContain('Signalé pour examen');
    expect(flagged.body).toContain('À examiner par l’officier du registre');
    s.clock.advance(60_000);
    reconcileRegistryResult(
      s.temp.store,
      {
        submissionId: record.registry.submissionId!,
        recordId: id,
        decision: 'new',
        nationalId: 'CF-2025-0001234',
        score: 1,
        reasons: [],
        decidedAt: s.clock.now().toISOString(),
      },
      s.clock.now,
    );
    const linked = await agent.get(page);
    expect(linked.body).toContain('Rapproché');
    expect(linked.body).toContain('CF-2025-0001234');
    expect((await agent.get('/staff/etat-civil?etat=transcribed')).body).toContain('CF-2025-0001234');
  });

  it('rejects a request with its reason, shown in the history', async () => {
    const s = await apps.open();
    const id = submitBirth(s);
    const consul = await pageUser(s, await s.enrolled('ngaba', ['consul']));
    const page = `/staff/etat-civil/${id}`;
    const rejected = await consul.submit(page, `${page}/rejet`, { reason: 'Acte étranger <non légalisé>' });
    expect(rejected.statusCode).toBe(303);
    expect(s.domain.civilStatus.get(id)?.state).toBe('rejected');
    expect(auditEntries(s, 'civil_status.rejected')).toEqual([
      { actor: 'ngaba', entity: 'civil_status', entityId: id },
    ]);
    const after = await consul.get(page);
    expect(after.body).toContain('Acte étranger &lt;non légalisé&gt;');
    expect(after.body).not.toContain('/rejet');
  });
});
