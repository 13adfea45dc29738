import { afterEach, describe, expect, it } from 'vitest';
import { decryptField } from '../node/crypto/field-cipher.js';
import type { Store } from '../node/db/store.js';
import { verifyAuditChain } from '../node/services/audit/audit-verify.js';
import type { CivilStatusInput } from '../node/services/civil-status/civil-status-schema.js';
import {
  type CivilStatusService,
  createCivilStatusService,
} from '../node/services/civil-status/civil-status-service.js';
import { CivilStatusError } from '../node/services/civil-status/errors.js';
import { readBatch } from '../node/services/outbox/outbox.js';
import { openTempStore, type TempStore } from './_util/node-store.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(): Promise<TempStore & { civil: CivilStatusService }> {
  const temp = await openTempStore();
  cleanups.push(temp.cleanup);
  const now = () => new Date('2026-03-10T09:00:00.000Z');
  return { ...temp, civil: createCivilStatusService({ store: temp.store, defaultRegion: 'FR', now }) };
}

function birth(overrides: Partial<CivilStatusInput> = {}): CivilStatusInput {
  return {
    kind: 'birth',
    eventDate: '2025-11-03',
    eventPlace: 'Hôpital Necker, Paris',
    eventCountry: 'FR',
    channel: 'counter',
    source: { certificateNumber: 'N-2025-118877', issuingAuthority: 'Mairie du 15e arrondissement de Paris' },
    persons: [
      { role: 'child', givenNames: 'Maëlys Grâce', familyName: 'Yangongo', sex: 'F' },
      { role: 'father', givenNames: 'Hervé', familyName: 'Yangongo', birthPlace: 'Berbérati' },
      { role: 'mother', givenNames: 'Clarisse', familyName: 'Ndakala', birthDate: '1994' },
    ],
    ...overrides,
  };
}

function submissions(store: Store): Array<Record<string, unknown>> {
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
    if (error instanceof CivilStatusError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('node civil status: requests', () => {
  it('records a birth with its persons, roles and source certificate', async () => {
    const { civil } = await setup();
    const record = civil.submit(birth(), 'agent:amina');
    expect(record).toMatchObject({ kind: 'birth', state: 'submitted', eventCountry: 'FR' });
    expect(civil.get(record.id)).toEqual(record);
    expect(civil.get(record.id)?.persons.map((p) => p.role)).toEqual(['child', 'father', 'mother']);
    expect(civil.get(record.id)?.source.certificateNumber).toBe('N-2025-118877');
  });

  it('accepts partial dates and refuses impossible or future ones', async () => {
    const { civil } = await setup();
    for (const eventDate of ['1987', '1987-05', '2024-02-29'])
      expect(civil.submit(birth({ eventDate }), 'agent:amina').eventDate).toBe(eventDate);
    for (const eventDate of ['2025-02-29', '2025-13', '2025-04-31', '1987-5', '2026-03-11', '2027'])
      expect(
        refusal(() => civil.submit(birth({ eventDate }), 'agent:amina')),
        eventDate,
      ).toBe('invalid_input');
  });

  it('refuses persons whose roles do not fit the event', async () => {
    const { civil } = await setup();
    const orphanBirth = birth({ persons: birth().persons.slice(1) });
    expect(refusal(() => civil.submit(orphanBirth, 'agent:amina'))).toBe('invalid_roles');
    const lonelyMarriage = birth({
      kind: 'marriage',
      persons: [{ role: 'spouse', givenNames: 'Aline', familyName: 'Zowa' }],
    });
    expect(refusal(() => civil.submit(lonelyMarriage, 'agent:amina'))).toBe('invalid_roles');
    const unknown = { ...birth(), witness: 'x' } as CivilStatusInput;
    expect(refusal(() => civil.submit(unknown, 'agent:amina'))).toBe('invalid_input');
    const ghost = birth({
      persons: [
        { role: 'child', personId: '6d4f2a8e-6d1b-4c7a-9a0e-3c1f5b2e7d90', givenNames: 'A', familyName: 'B' },
      ],
    });
    expect(refusal(() => civil.submit(ghost, 'agent:amina'))).toBe('person_not_found');
  });
});

describe('node civil status: workflow', () => {
  it('reviews and transcribes, recording who and when, and queues one submission of the child', async () => {
    const { civil, store } = await setup();
    const { id } = civil.submit(birth(), 'agent:amina');
    civil.startReview(id, 'agent:amina');
    const transcribed = civil.transcribe(id, 'consul:kossi', 'T-2026/0007');
    expect(transcribed).toMatchObject({ state: 'transcribed', actNumber: 'T-2026/0007' });
    expect(civil.history(id).map((step) => [step.from, step.to, step.actor])).toEqual([
      [null, 'submitted', 'agent:amina'],
      ['submitted', 'under_review', 'agent:amina'],
      ['under_review', 'transcribed', 'consul:kossi'],
    ]);
    expect(submissions(store)).toEqual([
      {
        submissionId: transcribed.registry.submissionId,
        kind: 'birth',
        recordId: id,
        person: {
          givenNames: 'Maëlys Grâce',
          familyName: 'Yangongo',
          sex: 'F',
          birthDate: '2025-11-03',
          birthPlace: 'Hôpital Necker, Paris',
          fatherName: 'Hervé Yangongo',
          motherName: 'Clarisse Ndakala',
        },
        eventDate: '2025-11-03',
        eventPlace: 'Hôpital Necker, Paris',
        submittedAt: '2026-03-10T09:00:00.000Z',
      },
    ]);
  });

  it('submits the deceased for a death and the first spouse for a marriage', async () => {
    const { civil, store } = await setup();
    const death = civil.submit(
      birth({
        kind: 'death',
        eventDate: '2026-01',
        persons: [
          { role: 'deceased', givenNames: 'Auguste', familyName: 'Mbaïkoua', birthDate: '1941' },
          { role: 'declarant', givenNames: 'Rosine', familyName: 'Mbaïkoua' },
        ],
      }),
      'agent:amina',
    );
    const marriage = civil.submit(
      birth({
        kind: 'marriage',
        persons: [
          { role: 'spouse', givenNames: 'Aline', familyName: 'Zowa', nationalId: 'cf-88-1234' },
          { role: 'spouse', givenNames: 'Marc', familyName: 'Dupuis' },
        ],
      }),
      'agent:amina',
    );
    for (const { id } of [death, marriage]) {
      civil.startReview(id, 'agent:amina');
      civil.transcribe(id, 'consul:kossi');
    }
    const people = submissions(store).map((s) => [s.kind, s.person]);
    expect(people).toEqual([
      ['death', { givenNames: 'Auguste', familyName: 'Mbaïkoua', birthDate: '1941' }],
      ['marriage', { givenNames: 'Aline', familyName: 'Zowa', nationalId: 'CF-88-1234' }],
    ]);
  });

  it('refuses moves the workflow does not allow and queues nothing for them', async () => {
    const { civil, store } = await setup();
    const { id } = civil.submit(birth(), 'agent:amina');
    expect(refusal(() => civil.transcribe(id, 'consul:kossi'))).toBe('transition_not_allowed');
    civil.startReview(id, 'agent:amina');
    expect(refusal(() => civil.startReview(id, 'agent:amina'))).toBe('transition_not_allowed');
    civil.transcribe(id, 'consul:kossi');
    expect(refusal(() => civil.transcribe(id, 'consul:kossi'))).toBe('transition_not_allowed');
    expect(refusal(() => civil.reject(id, 'consul:kossi', 'forged'))).toBe('transition_not_allowed');
    expect(refusal(() => civil.startReview('no-such-id', 'agent:amina'))).toBe('civil_status_not_found');
    expect(submissions(store)).toHaveLength(1);
  });

  it('rejects with a reason kept encrypted, and audits every step', async () => {
    const { civil, store } = await setup();
    const { id } = civil.submit(birth(), 'agent:amina');
    const rejected = civil.reject(id, 'consul:kossi', 'certificate not legalised');
    expect(rejected.state).toBe('rejected');
    expect(civil.history(id).at(-1)).toMatchObject({ to: 'rejected', reason: 'certificate not legalised' });
    const actions = store.db
      .prepare("SELECT action FROM audit_log WHERE entity = 'civil_status' ORDER BY seq")
      .all()
      .map((row) => (row as { action: string }).action);
    expect(actions).toEqual(['civil_status.submitted', 'civil_status.rejected']);
    expect(verifyAuditChain(store.db).ok).toBe(true);
    const events = readBatch(store, { limit: 100, maxBytes: 1e9 }).map((item) => item.event);
    expect(events.map((e) => e.data)).toContainEqual({
      kind: 'birth',
      state: 'rejected',
      channel: 'counter',
      eventCountry: 'FR',
      registryState: 'none',
    });
    expect(JSON.stringify(events).includes('Yangongo')).toBe(false);
  });
});
