import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../hub/services/audit/audit-log.js';
import { seedPerson } from '../hub/services/registry/builtin-registry.js';
import { formatNationalId, isIssuedNationalId } from '../hub/services/registry/national-id.js';
import { type Person, ready } from '../protocol/index.js';
import { migratedStore, storeBackends, type TestStore } from './_util/hub-db.js';
import { type RegistryHub, registryHub, registryRefusing, statusOf } from './_util/registry-fixtures.js';

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

const { nationalId: _number, ...anicetWithoutNumber } = anicet;

const clarisse: Person = {
  givenNames: 'Clarisse',
  familyName: 'Ngaïkoumon',
  sex: 'F',
  birthDate: '1991-04-23',
  birthPlace: 'Berbérati',
  motherName: 'Odile Ngaïkoumon',
};

async function count(ctx: RegistryHub, table: string): Promise<number> {
  const [row] = await ctx.db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(row?.n);
}

for (const backend of storeBackends('national registry reconciliation')) {
  describe(`national registry reconciliation (${backend.name})`, () => {
    let store: TestStore | undefined;
    beforeAll(ready);
    afterEach(async () => {
      await store?.dispose();
      store = undefined;
    });

    async function setup(): Promise<RegistryHub> {
      store = await migratedStore(backend);
      return registryHub(store.db);
    }

    it('matches exactly on the national ID number and sends the sealed result to the mission', async () => {
      const ctx = await setup();
      const person = await seedPerson(ctx.db, anicet);
      const id = await ctx.submit('paris', { ...anicet, givenNames: 'Anicet', birthDate: '1979' });
      expect(await ctx.service.reconcileAll()).toEqual({ match: 1, new: 0, review: 0, failed: 0, held: 0 });
      expect(await statusOf(ctx, id)).toBe('match');
      const [result] = ctx.resultsFor('paris');
      expect(result).toMatchObject({
        submissionId: id,
        decision: 'match',
        nationalId: 'CF-1979-004417',
        score: 1,
      });
      expect(result?.reasons[0]).toBe('national_id_exact');
      const [decision] = await ctx.db.query(
        'SELECT person_id, decided_by, outbound_seq FROM registry_decisions',
      );
      expect(decision).toEqual({ person_id: person?.id, decided_by: 'rule', outbound_seq: 1 });
      const held = await ctx.db.query("SELECT type FROM outbound WHERE mission_id = 'fr-paris'");
      expect(held).toEqual([{ type: 'registry.result' }]);
    });

    it('sends a known number typed on another person to review instead of linking it', async () => {
      const ctx = await setup();
      await seedPerson(ctx.db, anicet);
      const id = await ctx.submit('paris', { ...clarisse, nationalId: anicet.nationalId });
      expect(await ctx.service.reconcileAll()).toMatchObject({ review: 1, match: 0 });
      expect(await statusOf(ctx, id)).toBe('review');
      expect(ctx.resultsFor('paris')[0]?.nationalId).toBeUndefined();
    });

    it('matches on names, birth date and parents when the mission gives no number', async () => {
      const ctx = await setup();
      await seedPerson(ctx.db, anicet);
      await seedPerson(ctx.db, { ...clarisse, nationalId: 'CF-1991-118230' });
      const id = await ctx.submit('paris', {
        ...anicetWithoutNumber,
        givenNames: 'GBAZOUBANGUI',
        familyName: 'Anicet Parfait',
        fatherName: 'Jerome Gbazoubangui',
      });
      expect((await ctx.service.reconcileAll()).match).toBe(1);
      const [result] = ctx.resultsFor('paris');
      expect(result).toMatchObject({ submissionId: id, decision: 'match', nationalId: 'CF-1979-004417' });
      expect(result?.score).toBeGreaterThan(0.8);
      expect(result?.reasons).not.toContain('national_id_exact');
      expect(result?.reasons.length).toBeGreaterThan(0);
    });

    it('issues a national ID for a person the registry does not know and records their birth', async () => {
      const ctx = await setup();
      await seedPerson(ctx.db, anicet);
      const birth = await ctx.submit(
        'yaounde',
        { ...clarisse, fatherName: 'Aimé Ngaïkoumon' },
        { kind: 'birth', eventDate: '1991-04-23', eventPlace: 'Berbérati' },
      );
      expect(await ctx.service.reconcileAll()).toMatchObject({ new: 1 });
      const [result] = ctx.resultsFor('yaounde');
      expect(result?.decision).toBe('new');
      expect(isIssuedNationalId(result?.nationalId ?? '')).toBe(true);
      const [person] = await ctx.db.query<Record<string, unknown>>(
        'SELECT national_id, source, source_mission_id, source_submission_id FROM registry_persons WHERE source = $1',
        ['submission'],
      );
      expect(person).toEqual({
        national_id: result?.nationalId,
        source: 'submission',
        source_mission_id: 'cm-yaounde',
        source_submission_id: birth,
      });
      const events = await ctx.db.query('SELECT kind, event_date, mission_id FROM registry_events');
      expect(events).toEqual([{ kind: 'birth', event_date: '1991-04-23', mission_id: 'cm-yaounde' }]);
    });

    it('issues no number that a register person already holds written without its dashes', async () => {
      const ctx = await setup();
      // The first twelve numbers the registry would issue, as an older register writes them.
      const compact = (serial: number) => formatNationalId(serial).replaceAll('-', '');
      const held = await seedPerson(ctx.db, { ...anicet, nationalId: compact(1) });
      for (let serial = 2; serial <= 12; serial++) {
        await seedPerson(ctx.db, { ...anicet, birthDate: `19${50 + serial}`, nationalId: compact(serial) });
      }
      await ctx.submit('yaounde', clarisse);
      expect(await ctx.service.reconcileAll()).toMatchObject({ new: 1 });
      const [issued] = ctx.resultsFor('yaounde');
      expect(issued?.nationalId).toBe(formatNationalId(13));
      // The register's person keeps a number of their own: found by it alone, not shared.
      const again = await ctx.submit('paris', { ...anicet, nationalId: formatNationalId(1) });
      expect(await ctx.service.reconcileAll()).toMatchObject({ match: 1 });
      expect(await statusOf(ctx, again)).toBe('match');
      const [result] = ctx.resultsFor('paris');
      expect(result).toMatchObject({ decision: 'match', nationalId: held?.nationalId });
      expect(result?.reasons).toContain('national_id_exact');
    });

    it('sends a number the registry does not know to review and flags it at the mission', async () => {
      const ctx = await setup();
      const id = await ctx.submit('paris', { ...clarisse, nationalId: 'CF-2001-777777' });
      expect(await ctx.service.reconcileAll()).toMatchObject({ review: 1 });
      expect(await statusOf(ctx, id)).toBe('review');
      expect(ctx.resultsFor('paris')[0]).toMatchObject({ decision: 'review' });
      expect(ctx.resultsFor('paris')[0]?.nationalId).toBeUndefined();
      expect(ctx.resultsFor('paris')[0]?.reasons).toContain('national_id_unknown');
      const queue = await ctx.service.queue();
      expect(queue.items.map((item) => item.submissionId)).toEqual([id]);
      expect(await count(ctx, 'registry_persons')).toBe(0);
    });

    it('sends homonyms it cannot tell apart to review, with the candidates side by side', async () => {
      const ctx = await setup();
      const jean = {
        givenNames: 'Jean-Baptiste',
        familyName: 'Ndakala',
        sex: 'M' as const,
        birthPlace: 'Bangui',
      };
      await seedPerson(ctx.db, { ...jean, birthDate: '1985-03-02', nationalId: 'CF-1985-000101' });
      await seedPerson(ctx.db, { ...jean, birthDate: '1985-11-20', nationalId: 'CF-1985-000102' });
      const id = await ctx.submit('paris', {
        givenNames: 'Jean Baptiste',
        familyName: 'Ndakala',
        birthDate: '1985',
      });
      expect(await ctx.service.reconcileAll()).toMatchObject({ review: 1 });
      const detail = await ctx.service.submission(id);
      expect(detail?.submission.person.familyName).toBe('Ndakala');
      const numbers = detail?.candidates.map((candidate) => candidate.person.nationalId).sort();
      expect(numbers).toEqual(['CF-1985-000101', 'CF-1985-000102']);
      for (const candidate of detail?.candidates ?? []) expect(candidate.reasons.length).toBeGreaterThan(0);
    });

    it('links the same person registered at two missions and shows the link on both', async () => {
      const ctx = await setup();
      const inParis = await ctx.submit('paris', anicetWithoutNumber);
      const inYaounde = await ctx.submit('yaounde', { ...anicetWithoutNumber, givenNames: 'Anicet' });
      expect(await ctx.service.reconcileAll()).toMatchObject({ new: 1, match: 1 });
      const [issued] = ctx.resultsFor('paris');
      expect(ctx.resultsFor('yaounde')[0]).toMatchObject({
        decision: 'match',
        nationalId: issued?.nationalId,
      });
      for (const [one, other] of [
        [inParis, inYaounde],
        [inYaounde, inParis],
      ]) {
        const detail = await ctx.service.submission(one as string);
        expect(detail?.duplicates).toEqual([
          expect.objectContaining({ otherSubmissionId: other, reasons: ['same_registry_person'] }),
        ]);
      }
      const queue = await ctx.service.queue({ status: 'review' });
      expect(queue.total).toBe(0);
    });

    it('holds back a new number while another mission registration of the person waits for review', async () => {
      const ctx = await setup();
      const first = await ctx.submit('paris', { ...clarisse, nationalId: 'CF-2001-777777' });
      await ctx.service.reconcileAll();
      const second = await ctx.submit('yaounde', clarisse);
      expect(await ctx.service.reconcileAll()).toMatchObject({ review: 1, new: 0 });
      expect(await statusOf(ctx, second)).toBe('review');
      expect(ctx.resultsFor('yaounde')[0]?.reasons).toContain('possible_duplicate_in_review');
      const queue = await ctx.service.queue();
      expect(queue.items.map((item) => [item.submissionId, item.duplicates])).toEqual([
        [first, 1],
        [second, 1],
      ]);
    });

    it('applies an officer decision, audits it in the hash chain and sends the result', async () => {
      const ctx = await setup();
      const person = await seedPerson(ctx.db, { ...clarisse, nationalId: 'CF-1991-118230' });
      const id = await ctx.submit('paris', { ...clarisse, nationalId: 'CF-1991-118239' });
      await ctx.service.reconcileAll();
      const kept = await ctx.service.decide(
        id,
        { decision: 'keep', note: 'acte de naissance demandé' },
        'ofc.bria',
      );
      expect(kept).toMatchObject({ status: 'review', auditSeq: 1 });
      expect(ctx.resultsFor('paris')).toHaveLength(1);
      const outcome = await ctx.service.decide(
        id,
        { decision: 'match', registryId: person?.id as string },
        'ofc.bria',
      );
      expect(outcome).toEqual({
        submissionId: id,
        status: 'match',
        nationalId: 'CF-1991-118230',
        auditSeq: 2,
      });
      const results = ctx.resultsFor('paris');
      expect(results.map((r) => r.decision)).toEqual(['review', 'match']);
      expect(results[1]?.reasons[0]).toBe('officer_match');
      expect((results[1]?.decidedAt ?? '') > (results[0]?.decidedAt ?? '')).toBe(true);
      const audit = await ctx.db.query<Record<string, unknown>>(
        'SELECT actor, action, entity_id, before, after FROM hub_audit_log ORDER BY seq',
      );
      expect(audit[1]).toMatchObject({
        actor: 'officer:ofc.bria',
        action: 'registry.match',
        entity_id: id,
        before: { status: 'review', decision: 'review' },
        after: { status: 'match', personId: person?.id, nationalId: 'CF-1991-118230' },
      });
      expect((await ctx.service.submission(id))?.officers).toEqual([
        { at: expect.any(String), officer: 'ofc.bria', action: 'keep', note: 'acte de naissance demandé' },
        { at: expect.any(String), officer: 'ofc.bria', action: 'match', note: null },
      ]);
      expect(await verifyAuditChain(ctx.db)).toBeNull();
      await expect(ctx.db.query('UPDATE hub_audit_log SET actor = $1', ['x'])).rejects.toThrow(/append-only/);
      await expect(ctx.db.query('DELETE FROM hub_audit_log')).rejects.toThrow(/append-only/);
    });

    it('shows an audit entry changed behind the trigger as a break in the chain', async () => {
      const ctx = await setup();
      const id = await ctx.submit('paris', { ...clarisse, nationalId: 'CF-2001-777777' });
      await ctx.service.reconcileAll();
      await ctx.service.decide(id, { decision: 'keep', note: 'pièces demandées' }, 'ofc.bria');
      await ctx.service.decide(id, { decision: 'new' }, 'ofc.bria');
      expect(await verifyAuditChain(ctx.db)).toBeNull();
      // Someone with the database owner's rights switches the trigger off and rewrites the author.
      await ctx.db.exec('ALTER TABLE hub_audit_log DISABLE TRIGGER hub_audit_log_append_only');
      await ctx.db.query("UPDATE hub_audit_log SET actor = 'officer:autre' WHERE seq = 1");
      expect(await verifyAuditChain(ctx.db)).toBe(1);
    });

    it('issues a number on an officer new, and sends a rejection as a review to follow up', async () => {
      const ctx = await setup();
      const kept = await ctx.submit('paris', { ...clarisse, nationalId: 'CF-2001-777777' });
      const refused = await ctx.submit('yaounde', { ...anicet, nationalId: 'CF-1900-000001' });
      await ctx.service.reconcileAll();
      const made = await ctx.service.decide(kept, { decision: 'new' }, 'ofc.bria');
      expect(isIssuedNationalId(made.nationalId ?? '')).toBe(true);
      await ctx.service.decide(refused, { decision: 'reject', note: 'numéro inexistant' }, 'ofc.bria');
      expect(await statusOf(ctx, refused)).toBe('rejected');
      expect(ctx.resultsFor('yaounde').at(-1)).toMatchObject({
        decision: 'review',
        reasons: ['officer_rejected'],
      });
      expect(ctx.resultsFor('paris').at(-1)).toMatchObject({ decision: 'new', nationalId: made.nationalId });
      // The new person is in the index at once: the next registration of her matches.
      await ctx.submit('yaounde', clarisse);
      expect(await ctx.service.reconcileAll()).toMatchObject({ match: 1 });
    });

    it('refuses a decision on a submission already decided, not yet reconciled, or unknown', async () => {
      const ctx = await setup();
      await seedPerson(ctx.db, anicet);
      const decided = await ctx.submit('paris', anicet);
      await ctx.service.reconcileAll();
      const pending = await ctx.submit('paris', clarisse);
      await expect(ctx.service.decide(decided, { decision: 'new' }, 'o')).rejects.toMatchObject({
        code: 'already_decided',
      });
      await expect(ctx.service.decide(pending, { decision: 'new' }, 'o')).rejects.toMatchObject({
        code: 'not_in_review',
      });
      await expect(
        ctx.service.decide('7d4a1c2e-0000-4000-8000-000000000000', { decision: 'new' }, 'o'),
      ).rejects.toMatchObject({ code: 'not_found' });
      expect(await count(ctx, 'hub_audit_log')).toBe(0);
    });

    it('puts a submission whose decision fails in the officers queue and goes on with the others', async () => {
      store = await migratedStore(backend);
      // Fault injection: the registry refuses to record one person, as a remote system might.
      const failing = registryRefusing('Défaillant');
      const ctx = await registryHub(store.db, failing);
      const failed = await ctx.submit('paris', { givenNames: 'Rémi', familyName: 'Défaillant' });
      await ctx.submit('paris', clarisse);
      expect(await ctx.service.reconcileAll()).toEqual({ match: 0, new: 1, review: 0, failed: 1, held: 0 });
      expect(await statusOf(ctx, failed)).toBe('review');
      expect((await ctx.service.queue()).items).toEqual([
        expect.objectContaining({ submissionId: failed, reasons: ['reconcile_failed'] }),
      ]);
      expect(ctx.resultsFor('paris').map((result) => result.decision)).toEqual(['new']);
      expect(await count(ctx, 'registry_persons')).toBe(1);
    });

    it('decides each submission once, however often it runs or the submission arrives', async () => {
      const ctx = await setup();
      await seedPerson(ctx.db, anicet);
      await ctx.submit('paris', anicet);
      const second = await ctx.submit('yaounde', clarisse);
      await ctx.service.reconcileAll();
      const tables = ['registry_decisions', 'registry_persons', 'outbound', 'registry_duplicates'];
      const before = await Promise.all(tables.map((table) => count(ctx, table)));
      expect(await ctx.service.reconcileAll()).toEqual({ match: 0, new: 0, review: 0, failed: 0, held: 0 });
      // The mission sends the same submission again (a replay after a restore): nothing changes.
      await ctx.submit('yaounde', clarisse, { submissionId: second });
      expect(await count(ctx, 'registry_submissions')).toBe(2);
      expect(await ctx.service.reconcileAll()).toEqual({ match: 0, new: 0, review: 0, failed: 0, held: 0 });
      expect(await Promise.all(tables.map((table) => count(ctx, table)))).toEqual(before);
      expect(ctx.published).toHaveLength(2);
    });
  });
}
