import { afterEach, describe, expect, it } from 'vitest';
import { createCatalogueService } from '../node/services/catalogue/catalogue-service.js';
import { readBatch } from '../node/services/outbox/outbox.js';
import { createVisaService } from '../node/services/visas/visa-service.js';
import { VisaEvents } from '../protocol/index.js';
import { buildTestNode, type TestNode } from './_util/node-app.js';
import {
  bioPagePdf,
  laissezPasserFields,
  NOW,
  photoPng,
  testTrust,
  visaFields,
} from './node.visas.fixtures.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup() {
  let clock = NOW;
  const node: TestNode = await buildTestNode({ now: () => clock });
  cleanups.push(node.cleanup);
  const trust = await testTrust();
  const visas = createVisaService({
    store: node.store,
    files: node.domain.files,
    payments: node.domain.payments,
    catalogue: createCatalogueService({ store: node.store }),
    signer: async () => trust.signer,
    missionName: 'Ambassade de Centrafrique à Paris',
    currency: 'EUR',
    now: () => clock,
  });
  const later = (hours: number) => {
    clock = new Date(NOW.getTime() + hours * 3_600_000);
  };
  return { node, visas, later };
}

describe('visa events for the ministry’s figures', () => {
  it('writes visa.requested at submission and visa.decided at the grant or refusal, with the hours taken', async () => {
    const { node, visas, later } = await setup();
    const photo = { contentType: 'image/png', bytes: await photoPng() };
    const bioPage = { contentType: 'application/pdf', bytes: bioPagePdf() };
    const visa = (await visas.submit({ fields: visaFields(), photo, bioPage })).application;
    const lp = (await visas.submit({ fields: laissezPasserFields(), photo, bioPage })).application;
    later(26.5);
    visas.prepare(visa.id, 'staff:agent');
    visas.grant(
      visa.id,
      { visaType: '0A', entries: 1, stayDays: 20, validFrom: '2027-01-05', validUntil: '2027-02-05' },
      'staff:consul',
    );
    later(50);
    visas.refuse(lp.id, 'identity_not_established', 'staff:consul');

    const events = readBatch(node.store, { limit: 1000, maxBytes: 10_000_000 })
      .map((item) => item.event)
      .filter((event) => event.kind.startsWith('visa.'));
    expect(events.map((e) => [e.kind, e.entityId])).toEqual([
      [VisaEvents.Requested, visa.id],
      [VisaEvents.Requested, lp.id],
      [VisaEvents.Decided, visa.id],
      [VisaEvents.Decided, lp.id],
    ]);
    expect(events[0]?.data).toEqual({
      documentKind: 'visa',
      nationality: 'SEN',
      submittedAt: NOW.toISOString(),
    });
    expect(events[2]?.data).toEqual({
      documentKind: 'visa',
      nationality: 'SEN',
      outcome: 'granted',
      visaType: '0A',
      submittedAt: NOW.toISOString(),
      decidedAt: '2026-12-07T11:30:00.000Z',
      processingHours: 26.5,
    });
    expect(events[3]?.data).toMatchObject({
      documentKind: 'laissez_passer',
      nationality: 'CAF',
      outcome: 'refused',
      visaType: null,
      processingHours: 50,
    });
    // Nothing that names anyone: no name, passport number, birth date or phone.
    const text = JSON.stringify(events);
    for (const personal of ['Ndiaye', 'NDIAYE', 'A01234567', 'CF0012345', '1990-03-14', 'Yakit', '12 34 56'])
      expect(text).not.toContain(personal);
  });

  it('writes no visa event for a refused submission', async () => {
    const { node, visas } = await setup();
    const photo = { contentType: 'image/png', bytes: await photoPng() };
    await expect(
      visas.submit({
        fields: visaFields({ passportCheckDigit: '0' === visaFields().passportCheckDigit ? '1' : '0' }),
        photo,
        bioPage: { contentType: 'application/pdf', bytes: bioPagePdf() },
      }),
    ).rejects.toThrow();
    const events = readBatch(node.store, { limit: 1000, maxBytes: 10_000_000 }).filter((item) =>
      item.event.kind.startsWith('visa.'),
    );
    expect(events).toEqual([]);
  });
});
