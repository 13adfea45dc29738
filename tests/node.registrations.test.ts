import { afterEach, describe, expect, it } from 'vitest';
import { decryptField } from '../node/crypto/field-cipher.js';
import type { Store } from '../node/db/store.js';
import { verifyAuditChain } from '../node/services/audit/audit-verify.js';
import { readBatch } from '../node/services/outbox/outbox.js';
import { RegistrationError } from '../node/services/registrations/errors.js';
import type { RegistrationInput } from '../node/services/registrations/registration-schema.js';
import {
  createRegistrationService,
  type RegistrationService,
} from '../node/services/registrations/registration-service.js';
import { openTempStore, type TempStore } from './_util/node-store.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

interface Setup extends TempStore {
  registrations: RegistrationService;
  clock: { now: Date };
}

async function setup(): Promise<Setup> {
  const temp = await openTempStore();
  cleanups.push(temp.cleanup);
  const clock = { now: new Date('2026-03-10T09:00:00.000Z') };
  const registrations = createRegistrationService({
    store: temp.store,
    defaultRegion: 'FR',
    now: () => clock.now,
  });
  return { ...temp, registrations, clock };
}

function input(overrides: Partial<RegistrationInput> = {}): RegistrationInput {
  return {
    person: {
      givenNames: 'Prisca Euphrasie',
      familyName: 'Namsène',
      birthDate: '1990-06-21',
      phone: '06 11 22 33 44',
      email: 'prisca.namsene@example.org',
      address: '8 rue de Bangui, 69007 Lyon',
    },
    sex: 'F',
    birthPlace: 'Bambari',
    fatherName: 'Théophile Namsène',
    motherName: 'Odette Kossi-Gbanda',
    arrivalDate: '2014-09',
    channel: 'online',
    census: {
      profession: 'Ingénieure agronome',
      sector: 'agriculture',
      skills: ['irrigation', 'gestion de projet'],
      languages: ['sg', 'fr', 'EN'],
      educationLevel: 'master',
      contributions: ['mentoring', 'return'],
    },
    consents: { processing: true, census: true, contact: true, textVersion: 'consent-2026.1' },
    ...overrides,
  };
}

function registrationEvents(store: Store) {
  return readBatch(store, { limit: 1000, maxBytes: 1e9 })
    .map((item) => item.event)
    .filter((event) => event.entity === 'registration');
}

function pendingSubmissions(store: Store): Array<Record<string, unknown>> {
  const rows = store.db
    .prepare("SELECT id, body FROM link_pending WHERE type = 'registry.submission' ORDER BY id")
    .all() as Array<{ id: number; body: Uint8Array }>;
  return rows.map((row) =>
    JSON.parse(
      decryptField(store.keys.field, row.body, {
        table: 'link_pending',
        column: 'body',
        rowId: String(row.id),
      }),
    ),
  );
}

function refusal(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof RegistrationError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('node registrations: submission and consent', () => {
  it('registers a national with details, census and the consents given', async () => {
    const { registrations } = await setup();
    const registration = registrations.submit(input(), 'applicant:web');
    expect(registration.state).toBe('submitted');
    expect(registration.details).toMatchObject({ birthPlace: 'Bambari', motherName: 'Odette Kossi-Gbanda' });
    expect(registration.census.languages).toEqual(['sg', 'fr', 'en']);
    expect(registration.consents.census).toMatchObject({ granted: true, method: 'online' });
    expect(registrations.consents(registration.id)).toHaveLength(3);
    expect(registrations.get(registration.id)).toEqual(registration);
    expect(registrations.history(registration.id)).toEqual([
      { from: null, to: 'submitted', actor: 'applicant:web', at: '2026-03-10T09:00:00.000Z' },
    ]);
  });

  it('refuses a registration without consent to processing and writes nothing', async () => {
    const { registrations, store } = await setup();
    const consents = { processing: false, census: true, contact: true, textVersion: 'consent-2026.1' };
    expect(refusal(() => registrations.submit(input({ consents }), 'agent:amina'))).toBe('consent_required');
    const count = (table: string) =>
      (store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    expect([count('people'), count('registrations'), count('outbox'), count('audit_log')]).toEqual([
      0, 0, 0, 0,
    ]);
  });

  it('refuses unknown fields, sectors off the list and malformed language codes', async () => {
    const { registrations } = await setup();
    const extra = { ...input(), nickname: 'Pri' } as RegistrationInput;
    expect(refusal(() => registrations.submit(extra, 'agent:amina'))).toBe('invalid_input');
    const badSector = input({ census: { sector: 'astrology' as 'other', languages: [] } });
    expect(refusal(() => registrations.submit(badSector, 'agent:amina'))).toBe('invalid_input');
    const badLanguage = input({ census: { languages: ['sango!'] } });
    expect(refusal(() => registrations.submit(badLanguage, 'agent:amina'))).toBe('invalid_input');
  });

  it('accepts a partial arrival date and refuses an impossible or future one', async () => {
    const { registrations } = await setup();
    expect(registrations.submit(input({ arrivalDate: '2014' }), 'a').details.arrivalDate).toBe('2014');
    const second = input({ arrivalDate: '2014-02-30' });
    expect(refusal(() => registrations.submit(second, 'a'))).toBe('invalid_input');
    expect(refusal(() => registrations.submit(input({ arrivalDate: '2027-01' }), 'a'))).toBe('invalid_input');
  });

  it('refuses a second open registration of the same person and an unknown person id', async () => {
    const { registrations } = await setup();
    const first = registrations.submit(input(), 'agent:amina');
    const again = { ...input(), person: undefined, personId: first.personId };
    expect(refusal(() => registrations.submit(again, 'agent:amina'))).toBe('already_registered');
    const unknown = { ...again, personId: '6d4f2a8e-6d1b-4c7a-9a0e-3c1f5b2e7d90' };
    expect(refusal(() => registrations.submit(unknown, 'agent:amina'))).toBe('person_not_found');
    registrations.deregister(first.id, 'agent:amina', 'moved_away');
    expect(registrations.submit(again, 'agent:amina').personId).toBe(first.personId);
  });
});

describe('node registrations: census events', () => {
  it('sends the hub census aggregates only, never names, places or free text', async () => {
    const { registrations, store } = await setup();
    const registration = registrations.submit(input(), 'applicant:web');
    const [event] = registrationEvents(store);
    expect(event).toMatchObject({ kind: 'registration.submitted', entityId: registration.id });
    expect(event?.data).toEqual({
      state: 'submitted',
      channel: 'online',
      sector: 'agriculture',
      languages: ['sg', 'fr', 'en'],
      educationLevel: 'master',
      contributions: ['mentoring', 'return'],
      consents: { census: true, contact: true },
      registryState: 'none',
    });
    const json = JSON.stringify(event);
    for (const secret of ['Namsène', 'Bambari', 'Odette', 'agronome', 'irrigation', '1990', '2014'])
      expect(json.includes(secret), secret).toBe(false);
  });

  it('emits no census event at all when census consent was not given', async () => {
    const { registrations, store } = await setup();
    const consents = { processing: true, census: false, contact: true, textVersion: 'consent-2026.1' };
    const registration = registrations.submit(input({ consents }), 'applicant:web');
    registrations.verify(registration.id, 'agent:amina');
    registrations.activate(registration.id, 'consul:kossi', 'CC-2026-0042');
    registrations.updateCensus(registration.id, { sector: 'health', languages: ['fr'] }, 'agent:amina');
    expect(registrationEvents(store)).toEqual([]);
  });

  it('records a census consent withdrawal and sends no census data after it', async () => {
    const { registrations, store } = await setup();
    const registration = registrations.submit(input(), 'applicant:web');
    const withdrawal = {
      purpose: 'census',
      granted: false,
      method: 'counter',
      textVersion: 'consent-2026.1',
    } as const;
    const after = registrations.changeConsent(registration.id, withdrawal, 'agent:amina');
    expect(after.consents.census).toMatchObject({ granted: false, method: 'counter', actor: 'agent:amina' });
    expect(registrations.consents(registration.id).map((c) => [c.purpose, c.granted])).toEqual([
      ['processing', true],
      ['census', true],
      ['contact', true],
      ['census', false],
    ]);
    registrations.verify(registration.id, 'agent:amina');
    registrations.updateCensus(registration.id, { sector: 'health', languages: ['fr'] }, 'agent:amina');
    const events = registrationEvents(store);
    expect(events.map((e) => e.kind)).toEqual(['registration.submitted', 'registration.census_withdrawn']);
    expect(events[1]?.data).toEqual({ consents: { census: false } });
  });

  it('ends an open registration when consent to processing is withdrawn', async () => {
    const { registrations } = await setup();
    const registration = registrations.submit(input(), 'applicant:web');
    registrations.verify(registration.id, 'agent:amina');
    const withdrawal = {
      purpose: 'processing',
      granted: false,
      method: 'online',
      textVersion: 'consent-2026.1',
    } as const;
    const after = registrations.changeConsent(registration.id, withdrawal, 'applicant:web');
    expect(after.state).toBe('deregistered');
    expect(registrations.history(registration.id).at(-1)).toMatchObject({
      from: 'verified',
      to: 'deregistered',
      reason: 'consent_withdrawn',
    });
  });
});

describe('node registrations: workflow', () => {
  it('moves submitted → verified → active with a validity period, then renews and expires', async () => {
    const { registrations, clock } = await setup();
    const { id } = registrations.submit(input(), 'applicant:web');
    registrations.verify(id, 'agent:amina');
    const active = registrations.activate(id, 'consul:kossi', 'cc-2026-0042');
    expect(active).toMatchObject({ state: 'active', expiresAt: '2031-03-10T09:00:00.000Z' });
    expect(active.details.consularCardNumber).toBe('CC-2026-0042');
    clock.now = new Date('2031-03-11T00:00:00.000Z');
    expect(registrations.expireDue()).toEqual([id]);
    expect(registrations.get(id)?.state).toBe('expired');
    const renewed = registrations.renew(id, 'agent:amina');
    expect(renewed).toMatchObject({ state: 'active', expiresAt: '2036-03-11T00:00:00.000Z' });
    expect(registrations.history(id).map((step) => [step.to, step.actor])).toEqual([
      ['submitted', 'applicant:web'],
      ['verified', 'agent:amina'],
      ['active', 'consul:kossi'],
      ['expired', 'system:registration-expiry'],
      ['active', 'agent:amina'],
    ]);
  });

  it('refuses moves the workflow does not allow', async () => {
    const { registrations } = await setup();
    const { id } = registrations.submit(input(), 'applicant:web');
    expect(refusal(() => registrations.activate(id, 'consul:kossi'))).toBe('transition_not_allowed');
    expect(refusal(() => registrations.renew(id, 'agent:amina'))).toBe('transition_not_allowed');
    registrations.verify(id, 'agent:amina');
    expect(refusal(() => registrations.verify(id, 'agent:amina'))).toBe('transition_not_allowed');
    expect(refusal(() => registrations.renew(id, 'agent:amina'))).toBe('transition_not_allowed');
    registrations.activate(id, 'consul:kossi');
    expect(refusal(() => registrations.reject(id, 'agent:amina', 'late'))).toBe('transition_not_allowed');
    registrations.deregister(id, 'agent:amina', 'moved_away');
    expect(refusal(() => registrations.renew(id, 'agent:amina'))).toBe('transition_not_allowed');
    expect(refusal(() => registrations.verify('no-such-id', 'agent:amina'))).toBe('registration_not_found');
  });

  it('queues the registry submission exactly once, at verification, with the person', async () => {
    const { registrations, store } = await setup();
    const { id } = registrations.submit(input({ nationalId: 'cf-1990-0621-77' }), 'applicant:web');
    expect(pendingSubmissions(store)).toEqual([]);
    const verified = registrations.verify(id, 'agent:amina');
    expect(refusal(() => registrations.verify(id, 'agent:amina'))).toBe('transition_not_allowed');
    registrations.activate(id, 'consul:kossi');
    registrations.renew(id, 'agent:amina');
    const submissions = pendingSubmissions(store);
    expect(submissions).toHaveLength(1);
    expect(submissions[0]).toMatchObject({
      submissionId: verified.registry.submissionId,
      kind: 'registration',
      recordId: id,
      person: {
        givenNames: 'Prisca Euphrasie',
        familyName: 'Namsène',
        nationalId: 'CF-1990-0621-77',
        sex: 'F',
        birthDate: '1990-06-21',
        birthPlace: 'Bambari',
        fatherName: 'Théophile Namsène',
        motherName: 'Odette Kossi-Gbanda',
      },
    });
    expect(verified.registry.state).toBe('submitted');
  });

  it('audits every change with digests, in an intact chain', async () => {
    const { registrations, store } = await setup();
    const { id } = registrations.submit(input(), 'applicant:web');
    registrations.updateDetails(id, { birthPlace: 'Bangui', fatherName: null }, 'agent:amina');
    registrations.verify(id, 'agent:amina');
    const entries = store.db
      .prepare(
        "SELECT actor, action, before_digest, after_digest FROM audit_log WHERE entity = 'registration'",
      )
      .all() as Array<{ actor: string; action: string; before_digest: string | null; after_digest: string }>;
    expect(entries.map((e) => [e.actor, e.action])).toEqual([
      ['applicant:web', 'registration.submitted'],
      ['agent:amina', 'registration.details_updated'],
      ['agent:amina', 'registration.verified'],
    ]);
    expect(entries[1]?.before_digest).not.toBe(entries[1]?.after_digest);
    expect(registrations.get(id)?.details).not.toHaveProperty('fatherName');
    expect(verifyAuditChain(store.db).ok).toBe(true);
  });
});
