import { describe, expect, it } from 'vitest';
import { blockingKeys } from '../hub/services/registry/matching/blocking.js';
import { compareDates } from '../hub/services/registry/matching/date-comparison.js';
import {
  formatPartialDate,
  type MatchDecision,
  parsePartialDate,
  RegistryIndex,
  type RegistryRecord,
} from '../hub/services/registry/matching/index.js';
import { compareNames, prepareName } from '../hub/services/registry/matching/names.js';
import { foldText, placeTokens, textTokens } from '../hub/services/registry/matching/normalise.js';
import { phoneticKey } from '../hub/services/registry/matching/phonetic.js';
import { preparePerson } from '../hub/services/registry/matching/prepared-person.js';
import { editDistance, jaroWinkler } from '../hub/services/registry/matching/similarity.js';
import { generateDataset } from '../ops/registry/dataset.js';
import { evaluate } from '../ops/registry/evaluate.js';

const key = (name: string) => textTokens(name).map(phoneticKey).join(' ');
const date = (text: string) => parsePartialDate(text);

/** Every decision keeps to the protocol's limits on reasons and scores. */
function expectWellFormed(decision: MatchDecision): void {
  expect(decision.score).toBeGreaterThanOrEqual(0);
  expect(decision.score).toBeLessThanOrEqual(1);
  expect(decision.reasons.length).toBeGreaterThan(0);
  expect(decision.reasons.length).toBeLessThanOrEqual(20);
  for (const reason of decision.reasons) expect(reason).toMatch(/^[a-z_]{1,200}$/);
}

describe('normalisation', () => {
  it('folds case, accents and ligatures, joins apostrophes and splits on the rest', () => {
    expect(foldText('Bozizé ŒUVRE Ngaïkoumon')).toBe('bozize oeuvre ngaikoumon');
    expect(textTokens("  M'Baïkoua  Jean-Pierre,  d’Almeida ")).toEqual([
      'mbaikoua',
      'jean',
      'pierre',
      'dalmeida',
    ]);
    expect(textTokens(undefined)).toEqual([]);
  });

  it('keeps the distinctive words of a place of birth', () => {
    expect(placeTokens('Bangui (RCA)')).toEqual(['bangui']);
    expect(placeTokens('Kaga-Bandoro, République centrafricaine')).toEqual(['kaga', 'bandoro']);
  });
});

describe('phonetic key', () => {
  it.each([
    ['Touadéra', 'Tuadera'],
    ['Touadéra', 'Twadera'],
    ["M'Baïkoua", 'Mbaikoua'],
    ['Ngaïkoumon', 'Ngaykoumon'],
    ['Philippe', 'Filipe'],
    ['Djotodia', 'Jotodia'],
    ['Tchimou', 'Chimou'],
    ['Arnaud', 'Arno'],
    ['Thomas', 'Toma'],
    ['Dupont', 'Dupond'],
    ['Idriss', 'Idris'],
    ['Mahamat', 'Mahamate'],
    ['Ouaka', 'Waka'],
    ['Catherine', 'Katherine'],
    ['BOZIZÉ', 'bozize'],
  ])('gives %s and %s the same key', (a, b) => {
    expect(key(a)).toBe(key(b));
  });

  it.each([
    ['Bokassa', 'Bokossa'],
    ['Zanga', 'Sanga'],
    ['Gbaya', 'Baya'],
    ['Kpanou', 'Panou'],
    ['Mahamat', 'Mama'],
  ])('keeps %s and %s apart', (a, b) => {
    expect(key(a)).not.toBe(key(b));
  });
});

describe('similarity', () => {
  it('computes Jaro-Winkler and the edit distance with transpositions', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.9611, 4);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.8133, 4);
    expect(jaroWinkler('jean', 'bob')).toBe(0);
    expect(editDistance('ngaba', 'ngbaa')).toBe(1);
    expect(editDistance('yngassa', 'yangassa')).toBe(1);
    expect(editDistance('kolingba', 'kossi')).toBe(6);
  });
});

describe('partial dates', () => {
  it.each([
    ['1985-03-12', '1985-03-12'],
    ['12/03/1985', '1985-03-12'],
    ['12.03.1985', '1985-03-12'],
    ['1er mars 1985', '1985-03-01'],
    ['12 Février 1985', '1985-02-12'],
    ['03/1985', '1985-03'],
    ['1985-03', '1985-03'],
    ['00/00/1985', '1985'],
    ['00/05/1985', '1985-05'],
    ['vers 1985', '1985'],
    ['1985', '1985'],
  ])('reads %s as %s', (text, iso) => {
    expect(formatPartialDate(date(text)!)).toBe(iso);
  });

  it.each(['31/02/1985', '13/13/2000', '1985-13', 'hier', '12/03/85', '12/00/1985'])('refuses %s', (text) => {
    expect(date(text)).toBeUndefined();
  });

  it('compares dates to the precision of the coarser one', () => {
    expect(compareDates(date('1985-03-12'), date('12/03/1985'))).toBe('birth_date_exact');
    expect(compareDates(date('1985'), date('1985-03-12'))).toBe('birth_date_year_only');
    expect(compareDates(date('1985-03'), date('1985-03-12'))).toBe('birth_date_month_agrees');
    expect(compareDates(date('1985-03-12'), date('1985-12-03'))).toBe('birth_date_day_month_swapped');
    expect(compareDates(date('1985-03-12'), date('1958-03-12'))).toBe('birth_date_typo');
    expect(compareDates(date('1985-03-12'), date('1985-03-13'))).toBe('birth_date_typo');
    expect(compareDates(date('vers 1985'), date('1986-01-01'))).toBe('birth_date_year_near');
    expect(compareDates(date('1985-03-12'), date('1990-07-25'))).toBe('birth_date_differs');
    expect(compareDates(date('1985-04'), date('1985-03-12'))).toBe('birth_date_differs');
    expect(compareDates(undefined, date('1985'))).toBe('birth_date_missing');
  });
});

describe('name comparison', () => {
  const compare = (a: string, b: string) => compareNames(prepareName(a), prepareName(b));

  it('grades agreement from exact to differs', () => {
    expect(compare('Jean-Pierre', 'JEAN PIERRE')).toBe('exact');
    expect(compare('Jean Pierre', 'jeanpierre')).toBe('exact');
    expect(compare('Marie Catherine', 'Catherine Marie')).toBe('exact');
    expect(compare('Touadéra', 'Tuadera')).toBe('phonetic');
    expect(compare('Yangassa', 'Yngassa')).toBe('typo');
    expect(compare('Georges Apollinaire', 'Georges')).toBe('partial');
    expect(compare('Jean Pierre', 'Jean Paul')).toBe('differs');
    expect(compare('Ngakola', '')).toBe('missing');
  });
});

const registry: RegistryRecord[] = [
  {
    id: 'R1',
    nationalId: 'CF1985000042',
    givenNames: 'Faustin Archange',
    familyName: 'Touadéra',
    sex: 'M',
    birthDate: '1957-04-21',
    birthPlace: 'Bangui',
    fatherName: 'Pierre Touadéra',
  },
  {
    id: 'R2',
    givenNames: 'Marie',
    familyName: 'Ngakola',
    sex: 'F',
    birthDate: '1980-05-02',
    birthPlace: 'Bambari',
  },
  {
    id: 'R3',
    givenNames: 'Marie',
    familyName: 'Ngakola',
    sex: 'F',
    birthDate: '1980-11-19',
    birthPlace: 'Bouar',
  },
  {
    id: 'R4',
    givenNames: 'Khadidja',
    familyName: 'Mahamat',
    sex: 'F',
    birthDate: '1992',
    birthPlace: 'Ndélé',
  },
  {
    id: 'R5',
    givenNames: 'Odette',
    familyName: 'Kolingba',
    sex: 'F',
    birthDate: '1975-08-09',
    motherName: 'Léonie Zinga',
  },
];

describe('RegistryIndex', () => {
  const index = new RegistryIndex(registry);

  it('matches on an exact national id, whatever the spelling', () => {
    const decision = index.match({
      nationalId: 'CF1985000042',
      givenNames: 'Faustin',
      familyName: 'TOUADERA',
    });
    expect(decision).toMatchObject({ decision: 'match', registryId: 'R1', score: 1 });
    expect(decision.reasons[0]).toBe('national_id_exact');
    expectWellFormed(decision);
  });

  it('sends an exact national id on a person with other names to review', () => {
    const decision = index.match({
      nationalId: 'CF1985000042',
      givenNames: 'Odette',
      familyName: 'Kolingba',
    });
    expect(decision).toMatchObject({ decision: 'review', registryId: 'R1' });
    expect(decision.reasons[0]).toBe('national_id_exact_names_differ');
  });

  it('does not match the same names under another national id, and asks about an id held twice', () => {
    const other = index.match({
      nationalId: 'CF1999000777',
      givenNames: 'Faustin Archange',
      familyName: 'Touadéra',
    });
    expect(other.decision).not.toBe('match');
    expect(other.reasons).toContain('national_id_differs');
    const shared = new RegistryIndex([
      ...registry,
      { ...registry[1]!, id: 'R9', nationalId: 'CF1985000042' },
    ]);
    const decision = shared.match({
      nationalId: 'CF1985000042',
      givenNames: 'Faustin',
      familyName: 'Touadera',
    });
    expect(decision.decision).toBe('review');
    expect(decision.reasons[0]).toBe('national_id_shared');
  });

  it('finds a person whose names were swapped and mistyped, with another date format', () => {
    const candidate = {
      givenNames: 'TUADERA',
      familyName: 'Faustin Archang',
      birthDate: '21/04/1957',
      birthPlace: 'Bangui',
    };
    const person = preparePerson(candidate);
    const record = preparePerson(registry[0]!);
    expect(blockingKeys(person).some((k) => blockingKeys(record).includes(k))).toBe(true);
    const decision = index.match(candidate);
    expect(decision).toMatchObject({ decision: 'match', registryId: 'R1' });
    expect(decision.reasons).toEqual(expect.arrayContaining(['names_swapped', 'birth_date_exact']));
    expectWellFormed(decision);
  });

  it('does not match a homonym born on another date', () => {
    const decision = index.match({
      givenNames: 'Odette',
      familyName: 'Kolingba',
      sex: 'F',
      birthDate: '1991-02-14',
    });
    expect(decision.decision).toBe('new');
    expect(decision.reasons).toEqual(
      expect.arrayContaining(['best_candidate_below_review', 'birth_date_differs']),
    );
    expectWellFormed(decision);
  });

  it('tells two homonyms apart by the full date, and asks a person when only the year is known', () => {
    const exact = index.match({ givenNames: 'Marie', familyName: 'NGAKOLA', birthDate: '1980-11-19' });
    expect(exact).toMatchObject({ decision: 'match', registryId: 'R3' });
    const yearOnly = index.match({ givenNames: 'Marie', familyName: 'Ngakola', birthDate: '1980' });
    expect(yearOnly.decision).toBe('review');
    expect(yearOnly.reasons[0]).toBe('several_close_candidates');
    expect(yearOnly.candidates.map((c) => c.registryId).sort()).toEqual(['R2', 'R3']);
  });

  it('says new when no registry person shares a blocking key', () => {
    const decision = index.match({ givenNames: 'Zoé', familyName: 'Lambert', birthDate: '2001-01-01' });
    expect(decision).toEqual({
      decision: 'new',
      score: 0,
      reasons: ['no_candidate_in_blocks'],
      candidates: [],
    });
  });

  it('finds a person without a date through the names alone, and forgets a removed person', () => {
    const local = new RegistryIndex(registry);
    const candidate = { givenNames: 'Odette', familyName: 'Kolingba', motherName: 'Leonie Zinga' };
    const decision = local.match(candidate);
    expect(decision.candidates[0]?.registryId).toBe('R5');
    expect(decision.reasons).toEqual(expect.arrayContaining(['birth_date_missing', 'mother_name_agrees']));
    local.remove('R5');
    expect(local.size).toBe(registry.length - 1);
    expect(local.match(candidate).decision).toBe('new');
  });

  it('refuses thresholds out of order', () => {
    expect(() => new RegistryIndex([], { thresholds: { match: 0.4, review: 0.6 } })).toThrow(TypeError);
  });

  it('is precise and finds most persons on a small labelled synthetic set', () => {
    const dataset = generateDataset({ registrySize: 4000, candidateSize: 400, seed: 'unit' });
    const labelled = new RegistryIndex(dataset.registry);
    const decided = dataset.candidates.map(({ id, ...candidate }) => {
      const decision = labelled.match(candidate);
      expectWellFormed(decision);
      return { candidate_id: id, decision: decision.decision, registry_id: decision.registryId };
    });
    const quality = evaluate(decided, dataset.truth);
    expect(quality.precision).toBeGreaterThanOrEqual(0.98);
    expect(quality.recall).toBeGreaterThanOrEqual(0.9);
    expect(quality.reviewRate).toBeLessThanOrEqual(0.1);
  });

  it('meets the targets on the benchmark set: 100,000 persons with twins, triplets and namesakes, 10,000 candidates', () => {
    const dataset = generateDataset({ registrySize: 100_000, candidateSize: 10_000, seed: 'bench-2026' });
    const labelled = new RegistryIndex(dataset.registry);
    const decided = dataset.candidates.map(({ id, ...candidate }) => {
      const decision = labelled.match(candidate);
      return { candidate_id: id, decision: decision.decision, registry_id: decision.registryId };
    });
    const quality = evaluate(decided, dataset.truth);
    expect(quality.wrongMatches.sibling).toBe(0);
    expect(quality.wrongMatches.namesake).toBe(0);
    expect(quality.precision).toBeGreaterThanOrEqual(0.995);
    expect(quality.recall).toBeGreaterThanOrEqual(0.95);
    expect(quality.reviewRate).toBeLessThanOrEqual(0.1);
  }, 120_000);

  it('never takes a twin, a triplet or a sibling born the same day for one another', () => {
    const family = { familyName: 'Gbazoubangui', birthDate: '1999-12-01', birthPlace: 'Bossangoa' };
    const parents = { fatherName: 'Jérôme Gbazoubangui', motherName: 'Solange Yadjindji' };
    const twins = new RegistryIndex([
      { id: 'T1', givenNames: 'Anicet Parfait', sex: 'M', ...family, ...parents },
      { id: 'T2', givenNames: 'Clarisse', sex: 'F', ...family, ...parents },
    ]);
    const triplet = twins.match({ givenNames: 'Bienvenu', sex: 'M', ...family, ...parents });
    expect(triplet.decision).not.toBe('match');
    expect(triplet.reasons).toContain('same_day_sibling');
    expect(twins.match({ givenNames: 'Clarisse', ...family, ...parents })).toMatchObject({
      decision: 'match',
      registryId: 'T2',
    });
    expect(twins.match({ givenNames: 'Anicet', sex: 'M', ...family })).toMatchObject({
      decision: 'match',
      registryId: 'T1',
    });
  });
});
