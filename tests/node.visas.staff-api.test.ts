import { PDFDocument } from 'pdf-lib';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTrustStore, verifySeal } from '../common/vds/index.js';
import { openStaffApp, type StaffApp } from './_util/staff-app.js';
import { bioPagePdf, installSigner, photoPng, visaFields } from './node.visas.fixtures.js';

const apps: StaffApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function setup() {
  const s = await openStaffApp();
  apps.push(s);
  const trust = await installSigner(s.config.dataDir);
  const agent = await s.login(await s.enrolled('amina', ['agent']));
  const consul = await s.login(await s.enrolled('consul', ['consul']));
  const { application } = await s.domain.visas.submit({
    fields: visaFields(),
    photo: { contentType: 'image/png', bytes: await photoPng() },
    bioPage: { contentType: 'application/pdf', bytes: bioPagePdf() },
  });
  const call = (cookie: string, method: 'GET' | 'POST', path: string, payload?: object) =>
    s.app.inject({
      method,
      url: `/api/v1/staff/visas${path}`,
      headers: { cookie },
      ...(payload === undefined ? {} : { payload }),
    });
  return { s, trust, agent, consul, id: application.id, call };
}

const GRANT = { entries: 2, stayDays: 30, validFrom: '2027-01-01', validUntil: '2027-03-31' };

describe('staff API of visas', () => {
  it('lists, prepares, grants, issues and serves the PDF, signed with the key in the keys directory', async () => {
    const { s, trust, agent, consul, id, call } = await setup();
    const list = await call(agent.cookie, 'GET', '?state=submitted');
    expect(list.statusCode).toBe(200);
    expect(list.json().applications.map((a: { id: string }) => a.id)).toEqual([id]);
    expect((await call(agent.cookie, 'POST', `/${id}/prepare`)).json().state).toBe('prepared');
    expect((await call(consul.cookie, 'POST', `/${id}/grant`, GRANT)).json().state).toBe('granted');
    const issued = await call(agent.cookie, 'POST', `/${id}/issue`);
    expect(issued.statusCode).toBe(200);
    const { sealHex, documentNumber } = issued.json() as { sealHex: string; documentNumber: string };
    expect(documentNumber).toBe('VPA260001');
    const seal = Uint8Array.from(Buffer.from(sealHex, 'hex'));
    const result = await verifySeal(seal, await loadTrustStore(trust.bundle), { now: s.clock.now() });
    expect(result.valid).toBe(true);
    const pdf = await call(agent.cookie, 'GET', `/${id}/pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((await PDFDocument.load(pdf.rawPayload)).getPageCount()).toBe(1);
  });

  it('lets only a consul decide, and refuses with a reason from the list', async () => {
    const { agent, consul, id, call } = await setup();
    await call(agent.cookie, 'POST', `/${id}/prepare`);
    expect((await call(agent.cookie, 'POST', `/${id}/grant`, GRANT)).statusCode).toBe(403);
    expect(
      (await call(consul.cookie, 'POST', `/${id}/refuse`, { reason: 'i do not like it' })).statusCode,
    ).toBe(400);
    const refused = await call(consul.cookie, 'POST', `/${id}/refuse`, { reason: 'insufficient_means' });
    expect(refused.json()).toMatchObject({ state: 'refused', refusalReason: 'insufficient_means' });
    const again = await call(agent.cookie, 'POST', `/${id}/issue`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('visa_wrong_state');
  });

  it('asks the applicant for more information', async () => {
    const { agent, id, call } = await setup();
    const asked = await call(agent.cookie, 'POST', `/${id}/more-info`, {
      message: 'A clearer scan of the bio page',
    });
    expect(asked.json()).toMatchObject({
      state: 'more_info_requested',
      infoRequest: 'A clearer scan of the bio page',
    });
  });
});
