import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hubConfigFromEnv } from '../hub/config/env.js';
import type { SqlParam } from '../hub/db/database.js';
import { createHubMetrics } from '../hub/metrics.js';
import { seedPerson } from '../hub/services/registry/builtin-registry.js';
import { isIssuedNationalId } from '../hub/services/registry/national-id.js';
import { type Person, ready, registrySubmissionSchema } from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { type RegistryHub, type RegistryHubOptions, registryHub } from './_util/registry-fixtures.js';

// A person the national registry holds, and the same person as a mission would send them.
const anicet: Person & { nationalId: string } = {
  nationalId: 'CF-1979-004417',
  givenNames: 'Anicet Parfait',
  familyName: 'Gbazoubangui',
  sex: 'M',
  birthDate: '1979-12-01',
  birthPlace: 'Bossangoa',
  fatherName: 'Jérôme Gbazoubangui',
  motherName: 'Solange Yadjindji',
};
const { nationalId: _number, ...anicetByName } = anicet;

// A person the registry does not hold (invented, or genuinely new).
const invented: Person = {
  givenNames: 'Clarisse',
  familyName: 'Ngaïkoumon',
  sex: 'F',
  birthDate: '1991-04-23',
  birthPlace: 'Berbérati',
};

const UNCHECKED_RESULT = { decision: 'review', score: 0, reasons: ['identity_not_checked'] };

async function scalar(ctx: RegistryHub, sql: string, params: SqlParam[] = []): Promise<unknown> {
  const [row] = await ctx.db.query<{ v: unknown }>(sql, params);
  return row?.v;
}

const statusOf = (ctx: RegistryHub, id: string) =>
  scalar(ctx, 'SELECT status AS v FROM registry_submissions WHERE submission_id = $1::uuid', [id]);
const persons = async (ctx: RegistryHub) =>
  Number(await scalar(ctx, 'SELECT count(*) AS v FROM registry_persons'));

/** What the mission is told, without what differs between any two results (ids and times). */
function told(ctx: RegistryHub, mission: 'paris' | 'yaounde') {
  return ctx.resultsFor(mission).map(({ submissionId: _s, recordId: _r, decidedAt: _d, ...rest }) => rest);
}

for (const backend of storeBackends('national registry as an oracle')) {
  describe(`the national registry answers only checked submissions (${backend.name})`, () => {
    let store: TestStore | undefined;
    beforeAll(ready);
    afterEach(async () => {
      await store?.dispose();
      store = undefined;
    });

    async function setup(options: RegistryHubOptions = {}): Promise<RegistryHub> {
      store = await migratedStore(backend);
      return registryHub(store.db, undefined, options);
    }

    it('sends no national ID for an unchecked submission of a person the registry holds', async () => {
      const ctx = await setup();
      const held = await seedPerson(ctx.db, anicet);
      const byName = await ctx.submit('paris', anicetByName, { unchecked: true });
      const byNumber = await ctx.submit('paris', anicet, { unchecked: true });
      expect(await ctx.service.reconcileAll()).toMatchObject({ match: 0, new: 0, review: 2 });
      expect(await statusOf(ctx, byName)).toBe('review');
      expect(await statusOf(ctx, byNumber)).toBe('review');
      expect(told(ctx, 'paris')).toEqual([UNCHECKED_RESULT, UNCHECKED_RESULT]);
      // The officer still sees what the rules found.
      const detail = await ctx.service.submission(byName);
      expect(detail?.candidates.map((candidate) => candidate.registryId)).toContain(held?.id);
      const decisions = await ctx.db.query<{ reasons: string[]; person_id: string | null }>(
        'SELECT reasons, person_id FROM registry_decisions ORDER BY id',
      );
      expect(decisions.every((d) => d.person_id === null && d.reasons.includes('identity_not_checked'))).toBe(
        true,
      );
      expect(decisions[1]?.reasons).toContain('national_id_exact');
    });

    it('issues no national ID and records no person or event for an unchecked unknown person', async () => {
      const ctx = await setup();
      await seedPerson(ctx.db, anicet);
      const registration = await ctx.submit('yaounde', invented, { unchecked: true });
      const birth = await ctx.submit(
        'yaounde',
        { ...invented, givenNames: 'Grâce' },
        {
          unchecked: true,
          kind: 'birth',
          eventDate: '2026-01-04',
          eventPlace: 'Yaoundé',
        },
      );
      expect(await ctx.service.reconcileAll()).toMatchObject({ new: 0, review: 2 });
      expect(await statusOf(ctx, registration)).toBe('review');
      expect(await statusOf(ctx, birth)).toBe('review');
      expect(await persons(ctx)).toBe(1);
      expect(Number(await scalar(ctx, 'SELECT count(*) AS v FROM registry_events'))).toBe(0);
      expect(told(ctx, 'yaounde')).toEqual([UNCHECKED_RESULT, UNCHECKED_RESULT]);
    });

    it('tells the mission the same whether the registry holds the unchecked person or not', async () => {
      const ctx = await setup();
      await seedPerson(ctx.db, anicet);
      await ctx.submit('paris', anicetByName, { unchecked: true });
      await ctx.submit('paris', invented, { unchecked: true });
      await ctx.submit('paris', { ...invented, nationalId: 'CF-1991-000001' }, { unchecked: true });
      await ctx.service.reconcileAll();
      const [known, unknown, unknownNumber] = told(ctx, 'paris');
      expect(known).toEqual(unknown);
      expect(unknownNumber).toEqual(unknown);
    });

    it('leaves an officer to decide an unchecked submission as before', async () => {
      const ctx = await setup();
      const held = await seedPerson(ctx.db, anicet);
      const known = await ctx.submit('paris', anicetByName, { unchecked: true });
      const unknown = await ctx.submit('paris', invented, { unchecked: true });
      await ctx.service.reconcileAll();
      const matched = await ctx.service.decide(
        known,
        { decision: 'match', registryId: held?.id ?? '' },
        'ofc.bria',
      );
      expect(matched.nationalId).toBe(anicet.nationalId);
      const issued = await ctx.service.decide(unknown, { decision: 'new' }, 'ofc.bria');
      expect(isIssuedNationalId(issued.nationalId ?? '')).toBe(true);
      expect(ctx.resultsFor('paris').slice(2)).toMatchObject([
        { submissionId: known, decision: 'match', nationalId: anicet.nationalId },
        { submissionId: unknown, decision: 'new', nationalId: issued.nationalId },
      ]);
      expect(await persons(ctx)).toBe(2);
    });

    it('matches and issues numbers for checked submissions as before', async () => {
      const ctx = await setup();
      await seedPerson(ctx.db, anicet);
      const known = await ctx.submit('paris', anicetByName, {
        identityCheck: { documentKind: 'consular_card', checkedAt: '2026-03-10T09:00:00.000Z' },
      });
      const unknown = await ctx.submit('paris', invented);
      expect(await ctx.service.reconcileAll()).toMatchObject({ match: 1, new: 1, review: 0 });
      const [first, second] = ctx.resultsFor('paris');
      expect(first).toMatchObject({ submissionId: known, decision: 'match', nationalId: anicet.nationalId });
      expect(second).toMatchObject({ submissionId: unknown, decision: 'new' });
      expect(isIssuedNationalId(second?.nationalId ?? '')).toBe(true);
      expect(await persons(ctx)).toBe(2);
      const [stored] = await ctx.db.query<{ identity_check: unknown }>(
        'SELECT identity_check FROM registry_submissions WHERE submission_id = $1::uuid',
        [known],
      );
      expect(stored?.identity_check).toEqual({
        documentKind: 'consular_card',
        checkedAt: '2026-03-10T09:00:00.000Z',
      });
    });

    it('holds a mission past its daily bound until the next day, counted, and loses nothing', async () => {
      const clock = { now: new Date('2026-03-10T22:00:00.000Z') };
      const ctx = await setup({ now: () => clock.now, submissionsPerMissionPerDay: 2 });
      await seedPerson(ctx.db, anicet);
      const paris = [
        await ctx.submit('paris', anicetByName),
        await ctx.submit('paris', invented),
        await ctx.submit('paris', { givenNames: 'Odile', familyName: 'Yakité', birthDate: '1985-10-02' }),
        await ctx.submit('paris', { givenNames: 'Léa', familyName: 'Zanga', birthDate: '1995-02-02' }),
      ];
      const yaounde = await ctx.submit('yaounde', {
        givenNames: 'Aimé',
        familyName: 'Dondra',
        birthDate: '1988-08-08',
      });
      // The bound is per mission: Yaoundé is answered while Paris waits.
      expect(await ctx.service.reconcileAll(3)).toMatchObject({ match: 1, new: 2, review: 0, held: 2 });
      expect(await statusOf(ctx, yaounde)).toBe('new');
      expect(await Promise.all(paris.map((id) => statusOf(ctx, id)))).toEqual([
        'match',
        'new',
        'pending',
        'pending',
      ]);
      expect(ctx.resultsFor('paris')).toHaveLength(2);
      // Later passes the same day decide nothing of Paris's, and count nothing twice.
      expect(await ctx.service.reconcileAll()).toMatchObject({ match: 0, new: 0, review: 0, held: 0 });
      const metrics = createHubMetrics(ctx.db).registry;
      const figures = async () =>
        (
          await Promise.all(
            ['econsulat_hub_registry_submissions_over_limit', 'econsulat_hub_registry_submissions_held'].map(
              (name) => metrics.getSingleMetricAsString(name),
            ),
          )
        ).join('\n');
      let text = await figures();
      expect(text).toContain('econsulat_hub_registry_submissions_over_limit{mission="fr-paris"} 2');
      expect(text).toContain('econsulat_hub_registry_submissions_held{mission="fr-paris"} 2');
      expect(text).not.toContain('mission="cm-yaounde"');

      clock.now = new Date('2026-03-11T00:00:01.000Z');
      expect(await ctx.service.reconcileAll()).toMatchObject({ new: 2, held: 0 });
      expect(await Promise.all(paris.map((id) => statusOf(ctx, id)))).toEqual(['match', 'new', 'new', 'new']);
      expect(ctx.resultsFor('paris')).toHaveLength(4);
      text = await figures();
      expect(text).toContain('econsulat_hub_registry_submissions_over_limit{mission="fr-paris"} 2');
      expect(text).toContain('econsulat_hub_registry_submissions_held{mission="fr-paris"} 0');
    });

    it('counts unchecked submissions within the bound too', async () => {
      const ctx = await setup({ submissionsPerMissionPerDay: 1 });
      await ctx.submit('paris', invented, { unchecked: true });
      const later = await ctx.submit('paris', anicetByName);
      expect(await ctx.service.reconcileAll()).toMatchObject({ review: 1, held: 1 });
      expect(await statusOf(ctx, later)).toBe('pending');
    });
  });
}

describe('registry submissions on the wire and in the config', () => {
  const base = {
    submissionId: '3f1c2a9e-5b7d-4c1e-9a2b-6d8e0f1a2b3c',
    kind: 'registration',
    recordId: 'REC-1',
    person: { givenNames: 'Anicet', familyName: 'Gbazoubangui' },
    submittedAt: '2026-03-10T09:00:00.000Z',
  };

  it('takes an older node’s submission without a check, and refuses an unknown document kind', () => {
    expect(registrySubmissionSchema.safeParse(base).success).toBe(true);
    const checked = { ...base, identityCheck: { documentKind: 'passport', checkedAt: base.submittedAt } };
    expect(registrySubmissionSchema.safeParse(checked).success).toBe(true);
    const bad = { ...base, identityCheck: { documentKind: 'library_card', checkedAt: base.submittedAt } };
    expect(registrySubmissionSchema.safeParse(bad).success).toBe(false);
  });

  it('reads the daily bound from HUB_REGISTRY_SUBMISSIONS_PER_DAY, 500 by default', () => {
    const env = { HUB_DATA_DIR: '/tmp/hub' };
    expect(hubConfigFromEnv(env).registry.submissionsPerMissionPerDay).toBe(500);
    const set = hubConfigFromEnv({ ...env, HUB_REGISTRY_SUBMISSIONS_PER_DAY: '40' });
    expect(set.registry.submissionsPerMissionPerDay).toBe(40);
    expect(() => hubConfigFromEnv({ ...env, HUB_REGISTRY_SUBMISSIONS_PER_DAY: '0' })).toThrow();
  });
});
