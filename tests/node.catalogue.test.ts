import { afterEach, describe, expect, it } from 'vitest';
import { applyCatalogueUpdate } from '../node/link/handlers/catalogue-update.js';
import type { LinkContext } from '../node/link/link-context.js';
import { verifyAuditChain } from '../node/services/audit/audit-verify.js';
import {
  getService,
  listServices,
  requireActiveService,
  setServiceOverride,
} from '../node/services/catalogue/catalogue.js';
import { missionServiceSchema } from '../node/services/catalogue/catalogue-schema.js';
import { CatalogueError } from '../node/services/catalogue/errors.js';
import { seedCatalogue, seedServices } from '../node/services/catalogue/seed.js';
import { readBatch } from '../node/services/outbox/outbox.js';
import { type CatalogueUpdate, catalogueServiceSchema } from '../protocol/index.js';
import { openTempStore, type TempStore } from './_util/node-store.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function seeded(options: Parameters<typeof seedCatalogue>[1] = {}): Promise<TempStore> {
  const temp = await openTempStore();
  cleanups.push(temp.cleanup);
  seedCatalogue(temp.store, options);
  return temp;
}

function linkContext(temp: TempStore): LinkContext {
  // The handler reads only the store and the clock of the link's context.
  return { store: temp.store, now: () => Date.parse('2026-03-02T10:00:00.000Z') } as unknown as LinkContext;
}

function hubUpdate(version: number, services: CatalogueUpdate['services']): CatalogueUpdate {
  return { version, publishedAt: '2026-03-01T00:00:00.000Z', services };
}

function hubService(code: string, overrides: Partial<CatalogueUpdate['services'][number]> = {}) {
  const { faq: _faq, formRef: _form, ...service } = seedServices.find((s) => s.code === code)!;
  return { ...service, ...overrides };
}

const EXPECTED_CODES = [
  'passport-first',
  'passport-renewal',
  'laissez-passer',
  'consular-card',
  'consular-registration',
  'birth-transcription',
  'marriage-transcription',
  'death-transcription',
  'life-certificate',
  'residence-certificate',
  'legalisation',
  'visa-short-stay',
];

describe('node catalogue: seed', () => {
  it('seeds the consular services of an RCA embassy once', async () => {
    const { store } = await seeded();
    const codes = listServices(store, 'fr').map((service) => service.code);
    expect(codes.sort()).toEqual([...EXPECTED_CODES].sort());
    expect(seedCatalogue(store)).toBe(0);
    // Every service states the processing time it is held to, in whole days (0: done on the spot).
    for (const seed of seedServices) {
      expect(getService(store, seed.code, 'fr')?.processingDaysTarget, seed.code).toBe(
        seed.processingDaysTarget,
      );
      expect(Number.isInteger(seed.processingDaysTarget) && seed.processingDaysTarget >= 0, seed.code).toBe(
        true,
      );
    }
    expect(getService(store, 'passport-renewal', 'fr')?.processingDaysTarget).toBe(30);
    expect(getService(store, 'life-certificate', 'fr')?.processingDaysTarget).toBe(0);
  });

  it('seeds services the hub schema accepts, with fr, sg and en texts and documents', () => {
    for (const service of seedServices) {
      const { faq: _faq, formRef: _form, ...hubFields } = missionServiceSchema.parse(service);
      expect(catalogueServiceSchema.safeParse(hubFields).success).toBe(true);
      expect(service.name.sg && service.name.en).toBeTruthy();
      expect(service.requiredDocuments.length).toBeGreaterThan(0);
      expect(service.faq.length).toBeGreaterThan(0);
    }
  });

  it('prices every service in XAF and euros, as integer minor units', async () => {
    const { store } = await seeded();
    for (const service of listServices(store, 'fr')) {
      expect(service.fees.map((fee) => fee.currency)).toEqual(['XAF', 'EUR']);
      for (const fee of service.fees) expect(Number.isInteger(fee.amountMinor)).toBe(true);
    }
    expect(getService(store, 'passport-first', 'fr')?.fees).toEqual([
      { amountMinor: 75_000, currency: 'XAF' },
      { amountMinor: 11_500, currency: 'EUR' },
    ]);
  });

  it('seeds XAF only for a mission in the CFA franc zone, and a derived host fee when given', async () => {
    const yaounde = await seeded({ hostCurrency: 'XAF' });
    expect(getService(yaounde.store, 'consular-card', 'fr')?.fees).toEqual([
      { amountMinor: 10_000, currency: 'XAF' },
    ]);
    const washington = await seeded({ hostCurrency: 'USD', hostFeeFromXaf: (xaf) => Math.round(xaf / 6) });
    expect(getService(washington.store, 'consular-card', 'fr')?.fees).toEqual([
      { amountMinor: 10_000, currency: 'XAF' },
      { amountMinor: 1_667, currency: 'USD' },
    ]);
  });

  it('marks the seeded Sango texts for a native speaker’s review', async () => {
    const { store } = await seeded();
    const rows = store.db.prepare('SELECT DISTINCT sg_review FROM services').all();
    expect(rows).toEqual([{ sg_review: 1 }]);
  });
});

describe('node catalogue: languages', () => {
  it('lists the services in Sango and in English', async () => {
    const { store } = await seeded();
    expect(getService(store, 'consular-card', 'sg')?.name).toBe('Kârâte ti konsulâ');
    expect(getService(store, 'consular-card', 'en')?.name).toBe('Consular card');
    expect(getService(store, 'consular-card', 'en')?.faq[0]?.question).toBe('How do I pay the fees?');
  });

  it('falls back to French where a translation is missing or empty', async () => {
    const temp = await seeded();
    const name = { fr: 'Carte consulaire biométrique', sg: '  ', en: undefined };
    const documents = [{ fr: 'Passeport' }];
    applyCatalogueUpdate(
      linkContext(temp),
      hubUpdate(1, [hubService('consular-card', { name, requiredDocuments: documents })]),
    );
    const service = getService(temp.store, 'consular-card', 'sg');
    expect(service?.name).toBe('Carte consulaire biométrique');
    expect(getService(temp.store, 'consular-card', 'en')?.name).toBe('Carte consulaire biométrique');
    expect(service?.requiredDocuments).toEqual(['Passeport']);
  });

  it('returns undefined for an unknown service and refuses to offer it', async () => {
    const { store } = await seeded();
    expect(getService(store, 'teleportation', 'fr')).toBeUndefined();
    expect(() => requireActiveService(store, 'teleportation')).toThrow(
      expect.objectContaining({ code: 'unknown_service' }),
    );
  });
});

describe('node catalogue: local overrides', () => {
  it('lets the mission set local fees that win over the ministry’s, with audit and event', async () => {
    const { store } = await seeded();
    const fees = [
      { amountMinor: 80_000, currency: 'XAF' },
      { amountMinor: 12_500, currency: 'EUR' },
    ];
    setServiceOverride(store, 'passport-renewal', { fees }, 'consul:mbaiki');
    expect(getService(store, 'passport-renewal', 'fr')).toMatchObject({ fees, localFees: true });
    const audit = store.db
      .prepare("SELECT actor, action FROM audit_log WHERE action = 'service.overridden'")
      .all();
    expect(audit).toEqual([{ actor: 'consul:mbaiki', action: 'service.overridden' }]);
    const events = readBatch(store, { limit: 10, maxBytes: 1e6 }).map((item) => item.event);
    expect(events).toContainEqual(
      expect.objectContaining({ kind: 'service.overridden', entityId: 'passport-renewal' }),
    );
    expect(verifyAuditChain(store.db).ok).toBe(true);
  });

  it('keeps local fees and the mission’s FAQ through a hub update, and drops them on request', async () => {
    const temp = await seeded();
    const fees = [{ amountMinor: 9_000, currency: 'XAF' }];
    setServiceOverride(temp.store, 'legalisation', { fees }, 'consul:mbaiki');
    const hubFees = [{ amountMinor: 6_000, currency: 'XAF' }];
    applyCatalogueUpdate(linkContext(temp), hubUpdate(2, [hubService('legalisation', { fees: hubFees })]));
    expect(getService(temp.store, 'legalisation', 'fr')?.fees).toEqual(fees);
    expect(getService(temp.store, 'legalisation', 'fr')?.faq.length).toBeGreaterThan(0);
    setServiceOverride(temp.store, 'legalisation', { fees: null }, 'consul:mbaiki');
    expect(getService(temp.store, 'legalisation', 'fr')).toMatchObject({ fees: hubFees, localFees: false });
  });

  it('lets the mission suspend a service locally', async () => {
    const { store } = await seeded();
    setServiceOverride(store, 'visa-short-stay', { active: false }, 'consul:mbaiki');
    expect(listServices(store, 'fr').map((s) => s.code)).not.toContain('visa-short-stay');
    expect(listServices(store, 'fr', { includeInactive: true }).map((s) => s.code)).toContain(
      'visa-short-stay',
    );
    expect(() => requireActiveService(store, 'visa-short-stay')).toThrow(CatalogueError);
  });

  it('refuses an override of an unknown service, a fractional amount or an unknown field', async () => {
    const { store } = await seeded();
    const fee = [{ amountMinor: 100, currency: 'EUR' }];
    expect(() => setServiceOverride(store, 'nope', { fees: fee }, 'consul')).toThrow(
      expect.objectContaining({ code: 'unknown_service' }),
    );
    const fractional = [{ amountMinor: 12.5, currency: 'EUR' }];
    expect(() => setServiceOverride(store, 'legalisation', { fees: fractional }, 'consul')).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
    const unknown = { fees: fee, hours: '9-5' } as unknown as Parameters<typeof setServiceOverride>[2];
    expect(() => setServiceOverride(store, 'legalisation', unknown, 'consul')).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
  });
});

describe('node catalogue: updates from the hub', () => {
  it('puts a newer catalogue in force and withdraws the services it no longer lists', async () => {
    const temp = await seeded();
    const fees = [
      { amountMinor: 85_000, currency: 'XAF' },
      { amountMinor: 13_000, currency: 'EUR' },
    ];
    const update = hubUpdate(3, [hubService('passport-first', { fees }), hubService('legalisation')]);
    applyCatalogueUpdate(linkContext(temp), update);
    expect(getService(temp.store, 'passport-first', 'fr')?.fees).toEqual(fees);
    expect(
      listServices(temp.store, 'fr')
        .map((s) => s.code)
        .sort(),
    ).toEqual(['legalisation', 'passport-first']);
    const row = temp.store.db
      .prepare("SELECT source, catalogue_version, sg_review FROM services WHERE code = 'legalisation'")
      .get();
    expect(row).toEqual({ source: 'hub', catalogue_version: 3, sg_review: 0 });
  });

  it('adds a service the mission did not know', async () => {
    const temp = await seeded();
    const service = hubService('legalisation', {
      code: 'apostille-check',
      name: { fr: 'Vérification d’apostille' },
    });
    applyCatalogueUpdate(linkContext(temp), hubUpdate(1, [service]));
    expect(getService(temp.store, 'apostille-check', 'en')).toMatchObject({
      name: 'Vérification d’apostille',
      faq: [],
    });
  });

  it('records an older or repeated version without changing anything', async () => {
    const temp = await seeded();
    const ctx = linkContext(temp);
    applyCatalogueUpdate(ctx, hubUpdate(5, [hubService('passport-first')]));
    const before = listServices(temp.store, 'fr', { includeInactive: true });
    applyCatalogueUpdate(
      ctx,
      hubUpdate(4, [hubService('legalisation', { fees: [{ amountMinor: 1, currency: 'XAF' }] })]),
    );
    applyCatalogueUpdate(ctx, hubUpdate(5, [hubService('legalisation')]));
    expect(listServices(temp.store, 'fr', { includeInactive: true })).toEqual(before);
    const versions = temp.store.db.prepare('SELECT version FROM catalogue_versions ORDER BY version').all();
    expect(versions).toEqual([{ version: 4 }, { version: 5 }]);
  });
});
