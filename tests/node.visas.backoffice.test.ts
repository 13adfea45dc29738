import { PDFDocument } from 'pdf-lib';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTrustStore, verifySeal } from '../common/vds/index.js';
import { auditEntries, pageUser, staffApps } from './_util/backoffice-pages.js';
import type { StaffApp } from './_util/staff-app.js';
import { bioPagePdf, installSigner, photoPng, visaFields } from './node.visas.fixtures.js';

const apps = staffApps();
afterEach(() => apps.closeAll());

async function submitted(s: StaffApp): Promise<string> {
  const { application } = await s.domain.visas.submit({
    fields: visaFields(),
    photo: { contentType: 'image/png', bytes: await photoPng() },
    bioPage: { contentType: 'application/pdf', bytes: bioPagePdf() },
  });
  return application.id;
}

const GRANT = {
  visaType: '01',
  entries: '1',
  stayDays: '30',
  validFrom: '2027-01-05',
  validUntil: '2027-02-28',
};

describe('visas in the back office', () => {
  it('lists, beside the two scans, the documents the applicant sent after a request for more', async () => {
    const s = await apps.open();
    const id = await submitted(s);
    const agent = await pageUser(s, await s.enrolled('amina', ['agent']));
    const page = `/staff/visas/${id}`;
    const asked = await agent.submit(page, `${page}/complement`, { message: 'Attestation d’hébergement' });
    expect(asked.statusCode).toBe(303);
    expect((await agent.get(page)).body).not.toContain('envoyé par le demandeur');
    await s.domain.visas.provideMoreInfo(s.domain.visas.get(id).fileId, [
      { contentType: 'application/pdf', bytes: bioPagePdf() },
    ]);
    const shown = await agent.get(page);
    expect(shown.body).toMatch(
      /<a href="\/staff\/dossiers\/[^"]+\/pieces\/[^"]+">Complément 1<\/a> \(envoyé par le demandeur le \d{4}-\d{2}-\d{2}\)/,
    );
    expect(s.domain.visas.get(id).state).toBe('submitted');
  });

  it('an agent prepares, the consul grants, the agent issues and prints the document', async () => {
    const s = await apps.open();
    const trust = await installSigner(s.config.dataDir);
    const id = await submitted(s);
    const agent = await pageUser(s, await s.enrolled('amina', ['agent']));
    const consul = await pageUser(s, await s.enrolled('kossi', ['consul']));

    const list = await agent.get('/staff/visas?etat=submitted');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('NDIAYE Awa');
    expect(list.body).toContain('href="/staff/visas"');
    const page = `/staff/visas/${id}`;
    const shown = await agent.get(page);
    expect(shown.body).toContain('Pièces vérifiées : transmettre au consul');
    expect(shown.body).not.toContain('Accorder');

    const prepared = await agent.submit(page, `${page}/preparer`, {});
    expect(prepared.statusCode).toBe(303);
    // An agent is not the consul: no grant.
    expect((await agent.submit(page, `${page}/accorder`, GRANT)).statusCode).toBe(403);
    const granted = await consul.submit(page, `${page}/accorder`, GRANT);
    expect(granted.statusCode).toBe(303);
    const issued = await agent.submit(page, `${page}/delivrer`, {});
    expect(issued.statusCode).toBe(303);

    const final = await agent.get(page);
    expect(final.body).toContain('Délivrée');
    expect(final.body).toContain('VPA260001');
    const pdf = await agent.get(`${page}/document.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((await PDFDocument.load(pdf.rawPayload)).getPageCount()).toBe(1);

    const seal = s.domain.visas.get(id).seal as Uint8Array;
    expect((await verifySeal(seal, await loadTrustStore(trust.bundle), { now: s.clock.now() })).valid).toBe(
      true,
    );
    expect(auditEntries(s, 'visa.prepared').map((entry) => entry.actor)).toEqual(['amina']);
    expect(auditEntries(s, 'visa.granted').map((entry) => entry.actor)).toEqual(['kossi']);
    expect(auditEntries(s, 'visa.issued').map((entry) => entry.actor)).toEqual(['amina']);
  });

  it('the consul refuses with a reason from the list; issuing then is refused on the page', async () => {
    const s = await apps.open();
    const id = await submitted(s);
    const agent = await pageUser(s, await s.enrolled('amina', ['agent']));
    const consul = await pageUser(s, await s.enrolled('kossi', ['consul']));
    const page = `/staff/visas/${id}`;
    expect(
      (await agent.submit(page, `${page}/complement`, { message: 'Réservation d’hôtel manquante' }))
        .statusCode,
    ).toBe(303);
    expect((await agent.get(page)).body).toContain('Réservation d’hôtel manquante');
    expect(
      (await consul.submit(page, `${page}/refuser`, { reason: 'purpose_not_justified' })).statusCode,
    ).toBe(303);
    expect((await consul.get(page)).body).toContain('Objet et conditions du séjour non justifiés');
    const late = await agent.submit(page, `${page}/delivrer`, {});
    expect(late.statusCode).toBe(409);
    expect(late.body).toContain('n’est pas possible dans l’état actuel');
  });

  it('says so when the mission has no signer key yet', async () => {
    const s = await apps.open();
    const id = await submitted(s);
    const agent = await pageUser(s, await s.enrolled('amina', ['agent']));
    const consul = await pageUser(s, await s.enrolled('kossi', ['consul']));
    const page = `/staff/visas/${id}`;
    await agent.submit(page, `${page}/preparer`, {});
    await consul.submit(page, `${page}/accorder`, GRANT);
    const refused = await agent.submit(page, `${page}/delivrer`, {});
    expect(refused.statusCode).toBe(503);
    expect(refused.body).toContain('visa-signer');
    expect(s.domain.visas.get(id).state).toBe('granted');
  });
});
