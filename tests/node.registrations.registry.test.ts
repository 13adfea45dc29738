import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkpointDatabase } from '../node/db/db.js';
import type { Store } from '../node/db/store.js';
import { applyRegistryResult } from '../node/link/handlers/registry-result.js';
import type { LinkContext } from '../node/link/link-context.js';
import { createCivilStatusService } from '../node/services/civil-status/civil-status-service.js';
import { createPeopleRepository } from '../node/services/people/people-repository.js';
import type { RegistrationInput } from '../node/services/registrations/registration-schema.js';
import { createRegistrationService } from '../node/services/registrations/registration-service.js';
import { listRegistryFollowUps } from '../node/services/registrations/registry-reconcile.js';
import type { RegistryResult } from '../protocol/index.js';
import { openTempStore, type TempStore } from './_util/node-store.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup() {
  const temp: TempStore = await openTempStore();
  cleanups.push(temp.cleanup);
  const now = () => new Date('2026-03-10T09:00:00.000Z');
  const deps = { store: temp.store, defaultRegion: 'FR' as const, now };
  // The handler reads only the store and the clock; identities and trust belong to the link's own tests.
  const link = {
    store: temp.store,
    now: () => Date.parse('2026-03-12T10:00:00.000Z'),
  } as unknown as LinkContext;
  return {
    ...temp,
    link,
    people: createPeopleRepository(deps),
    registrations: createRegistrationService(deps),
    civil: createCivilStatusService(deps),
  };
}

const registration: RegistrationInput = {
  person: { givenNames: 'Anicet Parfait', familyName: 'Gbazoubangui', birthDate: '1979-12-01' },
  birthPlace: 'Bossangoa',
  fatherName: 'Jérôme Gbazoubangui',
  motherName: 'Solange Yadjindji',
  channel: 'counter',
  census: {
    profession: 'Chirurgien-dentiste',
    sector: 'health',
    skills: ['implantologie'],
    languages: ['sg'],
  },
  consents: { processing: true, census: true, contact: false, textVersion: 'consent-2026.1' },
};

function verified(ctx: Awaited<ReturnType<typeof setup>>, input: RegistrationInput = registration) {
  const { id } = ctx.registrations.submit(input, 'agent:amina');
  return ctx.registrations.verify(id, 'agent:amina');
}

function result(
  submissionId: string,
  recordId: string,
  overrides: Partial<RegistryResult> = {},
): RegistryResult {
  return {
    submissionId,
    recordId,
    decision: 'match',
    nationalId: 'CF-1979-004417',
    score: 0.97,
    reasons: ['names', 'birth date'],
    decidedAt: '2026-03-12T08:00:00.000Z',
    ...overrides,
  };
}

// As the link applies it: inside the receiving transaction.
function receive(ctx: { store: Store; link: LinkContext }, decision: RegistryResult): void {
  ctx.store.db.transaction(() => applyRegistryResult(ctx.link, decision)).immediate();
}

const RECORD_TABLES = [
  'registrations',
  'people',
  'civil_status_records',
  'outbox',
  'audit_log',
  'link_pending',
];

function snapshot(store: Store, tables = [...RECORD_TABLES, 'registry_results']): string {
  return JSON.stringify(
    tables.map((table) =>
      store.db
        .prepare(`SELECT * FROM ${table} ORDER BY rowid`)
        .all()
        .map((row) =>
          Object.values(row as object).map((v) =>
            v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
          ),
        ),
    ),
  );
}

describe('node registry results', () => {
  it('stores the national ID of a match on the person and reconciles the registration', async () => {
    const ctx = await setup();
    const { id, personId, registry } = verified(ctx);
    receive(ctx, result(registry.submissionId as string, id));
    const after = ctx.registrations.get(id);
    expect(after?.registry).toMatchObject({ state: 'reconciled', decision: 'match' });
    expect(after?.details.nationalId).toBe('CF-1979-004417');
    expect(ctx.people.get(personId)?.idNumber).toBe('CF-1979-004417');
    expect(ctx.people.findByIdNumber('cf 1979 004417').map((p) => p.id)).toEqual([personId]);
    const audited = ctx.store.db
      .prepare("SELECT entity, action FROM audit_log WHERE actor = 'hub:registry' ORDER BY seq")
      .all();
    expect(audited).toEqual([
      { entity: 'person', action: 'person.updated' },
      { entity: 'registration', action: 'registration.reconciled' },
    ]);
  });

  it('changes nothing when the same result is applied a second time', async () => {
    const ctx = await setup();
    const { id, registry } = verified(ctx);
    const decision = result(registry.submissionId as string, id);
    receive(ctx, decision);
    const once = snapshot(ctx.store);
    receive(ctx, decision);
    receive(ctx, { ...decision, decidedAt: '2026-03-11T08:00:00.000Z', decision: 'review' });
    expect(snapshot(ctx.store)).toBe(once);
  });

  it('flags a review for follow-up, then applies the later decision', async () => {
    const ctx = await setup();
    const { id, personId, registry } = verified(ctx);
    const submissionId = registry.submissionId as string;
    receive(ctx, result(submissionId, id, { decision: 'review', score: 0.6 }));
    expect(ctx.registrations.get(id)?.registry.state).toBe('review');
    expect(ctx.registrations.get(id)?.details.nationalId).toBeUndefined();
    expect(ctx.people.get(personId)?.idNumber).toBeUndefined();
    expect(listRegistryFollowUps(ctx.store)).toEqual([
      { entity: 'registration', id, decidedAt: '2026-03-12T08:00:00.000Z' },
    ]);
    receive(ctx, result(submissionId, id, { decision: 'new', decidedAt: '2026-03-13T08:00:00.000Z' }));
    expect(ctx.registrations.get(id)?.registry).toMatchObject({ state: 'reconciled', decision: 'new' });
    expect(listRegistryFollowUps(ctx.store)).toEqual([]);
  });

  it('keeps the document number a person already has and the national ID on the registration', async () => {
    const ctx = await setup();
    const withPassport = { ...registration, person: { ...registration.person, idNumber: 'P-OA0012345' } };
    const { id, personId, registry } = verified(ctx, withPassport as RegistrationInput);
    receive(ctx, result(registry.submissionId as string, id));
    expect(ctx.people.get(personId)?.idNumber).toBe('P-OA0012345');
    expect(ctx.registrations.get(id)?.details.nationalId).toBe('CF-1979-004417');
  });

  it('reconciles a transcription and links the national ID to a known child', async () => {
    const ctx = await setup();
    const child = ctx.people.create({ givenNames: 'Noé', familyName: 'Sélémby' }, 'agent:amina');
    const { id } = ctx.civil.submit(
      {
        kind: 'birth',
        eventDate: '2025-08',
        eventPlace: 'Yaoundé',
        eventCountry: 'CM',
        channel: 'counter',
        source: { certificateNumber: 'CM-778', issuingAuthority: 'Centre d’état civil de Yaoundé II' },
        persons: [{ role: 'child', personId: child.id, givenNames: 'Noé', familyName: 'Sélémby' }],
      },
      'agent:amina',
    );
    ctx.civil.startReview(id, 'agent:amina');
    const { registry } = ctx.civil.transcribe(id, 'consul:kossi');
    receive(
      ctx,
      result(registry.submissionId as string, id, { decision: 'new', nationalId: 'CF-2025-9001' }),
    );
    expect(ctx.civil.get(id)?.registry).toMatchObject({ state: 'reconciled', nationalId: 'CF-2025-9001' });
    expect(ctx.people.get(child.id)?.idNumber).toBe('CF-2025-9001');
  });

  it('records a result for an unknown submission without touching any record', async () => {
    const ctx = await setup();
    verified(ctx);
    const before = snapshot(ctx.store, RECORD_TABLES);
    receive(ctx, result('0b8f7f7e-2a51-4f7e-8d0c-5e2b7d9a1c33', 'ghost'));
    const rows = ctx.store.db.prepare('SELECT record_id FROM registry_results').all();
    expect(rows).toEqual([{ record_id: 'ghost' }]);
    expect(snapshot(ctx.store, RECORD_TABLES)).toBe(before);
  });

  it('leaves no seeded birth place, parent name, free text or national ID in a copy of the database', async () => {
    const ctx = await setup();
    const { id, registry } = verified(ctx);
    ctx.registrations.updateDetails(id, { birthPlace: 'Kaga-Bandoro' }, 'agent:amina');
    receive(ctx, result(registry.submissionId as string, id));
    const record = ctx.civil.submit(
      {
        kind: 'death',
        eventDate: '2026-02-14',
        eventPlace: 'Clinique Sainte-Ursule, Bordeaux',
        eventCountry: 'FR',
        channel: 'online',
        source: { certificateNumber: 'BX-DC-55190', issuingAuthority: 'Mairie de Bordeaux' },
        persons: [
          { role: 'deceased', givenNames: 'Barthélemy', familyName: 'Ouanzin', birthPlace: 'Mobaye' },
          { role: 'declarant', givenNames: 'Eulalie', familyName: 'Ouanzin' },
        ],
      },
      'applicant:web',
    );
    ctx.civil.reject(record.id, 'consul:kossi', 'Barthélemy Ouanzin already transcribed');
    checkpointDatabase(ctx.store.db);
    const copy = join(ctx.dir, 'copy.sqlite');
    await copyFile(ctx.path, copy);
    const bytes = await readFile(copy);
    const secrets = [
      'Bossangoa',
      'Kaga-Bandoro',
      'Jérôme',
      'Yadjindji',
      'Gbazoubangui',
      'Chirurgien',
      'implantologie',
      'CF-1979-004417',
      'CF1979004417',
      'Sainte-Ursule',
      'BX-DC-55190',
      'Mairie de Bordeaux',
      'Ouanzin',
      'Mobaye',
      'Eulalie',
      'already transcribed',
      '2026-02-14',
    ];
    for (const secret of secrets) expect(bytes.includes(Buffer.from(secret, 'utf8')), secret).toBe(false);
    expect(bytes.includes(Buffer.from('registration.reconciled'))).toBe(true);
  });
});
