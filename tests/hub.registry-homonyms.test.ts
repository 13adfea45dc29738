import { describe, expect, it } from 'vitest';
import { BirthYears } from '../hub/services/registry/matching/birth-years.js';
import { dateCoincidence, slipNeighbours } from '../hub/services/registry/matching/homonym-chance.js';
import {
  preparePerson,
  RegistryIndex,
  type RegistryRecord,
} from '../hub/services/registry/matching/index.js';
import { scorePair } from '../hub/services/registry/matching/pair-score.js';

const FIRST_YEAR = 1940;
const YEARS = 73;
const COMMON_COUNT = 300;
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A registry in which the first of `names` is borne by `perName` persons and the others by 300, born
 * over 73 years on full dates (none in `skipYear`): no name is commoner than the average, and the
 * frequency weight is 0 for all.
 */
function registryOf(names: readonly [string, string][], perName: number, skipYear: number): RegistryRecord[] {
  const records: RegistryRecord[] = [];
  for (const [n, [givenNames, familyName]] of names.entries()) {
    for (let i = 0; i < (n === 0 ? perName : COMMON_COUNT); i++) {
      let year = FIRST_YEAR + ((i * 7) % YEARS);
      if (year === skipYear) year++;
      const birthDate = `${year}-${pad(1 + (i % 12))}-${pad(1 + (i % 28))}`;
      records.push({ id: `${familyName}-${i}`, givenNames, familyName, sex: 'M', birthDate });
    }
  }
  return records;
}

const COMMON: [string, string][] = [
  ['Jean', 'Ngakola'],
  ['Paul', 'Yakité'],
  ['Pierre', 'Mbaïkoua'],
  ['Joseph', 'Gbaguili'],
];

describe('homonyms the evidence cannot tell apart', () => {
  it('does not match a common name on the year alone: a homonym born that year is expected', () => {
    const registry = registryOf(COMMON, COMMON_COUNT, 1985);
    registry.push({
      id: 'YEAR-ONLY',
      givenNames: 'Jean',
      familyName: 'Ngakola',
      sex: 'M',
      birthDate: '1985',
    });
    const index = new RegistryIndex(registry);
    const decision = index.match({
      givenNames: 'Jean',
      familyName: 'NGAKOLA',
      sex: 'M',
      birthDate: '1985-06-12',
    });
    expect(decision).toMatchObject({ decision: 'review', registryId: 'YEAR-ONLY' });
    expect(decision.reasons[0]).toBe('homonym_likely');
    expect(decision.score).toBeGreaterThanOrEqual(0.85);
  });

  it('still matches the same name on a full date, and a rare name on the year alone', () => {
    const registry = registryOf(COMMON, COMMON_COUNT, 1985);
    registry.push(
      { id: 'FULL', givenNames: 'Jean', familyName: 'Ngakola', sex: 'M', birthDate: '1985-06-12' },
      { id: 'RARE', givenNames: 'Anicet', familyName: 'Gbazoubangui', sex: 'M', birthDate: '1985' },
    );
    const index = new RegistryIndex(registry);
    const full = index.match({
      givenNames: 'Jean',
      familyName: 'Ngakola',
      sex: 'M',
      birthDate: '12/06/1985',
    });
    expect(full).toMatchObject({ decision: 'match', registryId: 'FULL' });
    const rare = index.match({
      givenNames: 'Anicet',
      familyName: 'Gbazoubangui',
      sex: 'M',
      birthDate: '1985-06-12',
    });
    expect(rare).toMatchObject({ decision: 'match', registryId: 'RARE' });
  });

  it('matches a name on the year alone while few bear it, and asks once a homonym that year is likely', () => {
    const decide = (perName: number) => {
      const registry = registryOf(COMMON, perName, 1985);
      registry.push({
        id: 'YEAR-ONLY',
        givenNames: 'Jean',
        familyName: 'Ngakola',
        sex: 'M',
        birthDate: '1985',
      });
      return new RegistryIndex(registry).match({
        givenNames: 'Jean',
        familyName: 'Ngakola',
        sex: 'M',
        birthDate: '1985-06-12',
      }).decision;
    };
    expect(decide(3)).toBe('match');
    expect(decide(300)).toBe('review');
  });

  it('counts, for given names agreeing in part, those who bear the part among other names too', () => {
    const decide = (recordGivenNames: string) => {
      const registry = registryOf(COMMON, COMMON_COUNT, 1985);
      registry.push({
        id: 'RECORD',
        givenNames: recordGivenNames,
        familyName: 'Ngakola',
        sex: 'M',
        birthDate: '1985-06-12',
        motherName: 'Marie Kossi',
      });
      return new RegistryIndex(registry).match({
        givenNames: 'Jean',
        familyName: 'NGAKOLA',
        sex: 'M',
        birthDate: '12/06/1985',
        motherName: 'Odette Yaliki',
      });
    };
    // The full date outweighs the mother's name that differs, for the name as written...
    expect(decide('Jean')).toMatchObject({ decision: 'match', registryId: 'RECORD' });
    // ...not once the persons named Jean among other given names are counted.
    const inPart = decide('Jean Paul');
    expect(inPart.reasons).toContain('given_names_partial');
    expect(inPart).toMatchObject({ decision: 'review', registryId: 'RECORD' });
    expect(inPart.reasons[0]).toBe('homonym_likely');
  });

  it('matches a date a slip away for a name borne once, and asks when a few bear it', () => {
    const decide = (perName: number) => {
      const registry = registryOf(COMMON, perName, 1985);
      registry.push({
        id: 'SLIP',
        givenNames: 'Jean',
        familyName: 'Ngakola',
        sex: 'M',
        birthDate: '1985-03-13',
      });
      return new RegistryIndex(registry).match({
        givenNames: 'Jean',
        familyName: 'Ngakola',
        sex: 'M',
        birthDate: '12/03/1985',
      });
    };
    expect(decide(0)).toMatchObject({ decision: 'match', registryId: 'SLIP' });
    expect(decide(0).reasons).toContain('birth_date_typo');
    expect(decide(3)).toMatchObject({ decision: 'review', registryId: 'SLIP' });
    expect(decide(3).reasons[0]).toBe('homonym_likely');
  });
});

describe('a person submitted without a birth date', () => {
  const anicet = { givenNames: 'Anicet', familyName: 'Gbazoubangui', sex: 'M' as const };
  const registry = [
    ...registryOf(COMMON, COMMON_COUNT, 0),
    {
      id: 'ANICET',
      ...anicet,
      birthDate: '1971-03-02',
      birthPlace: 'Bouar',
      fatherName: 'Faustin Gbazoubangui',
    },
    {
      id: 'JEAN',
      givenNames: 'Jean',
      familyName: 'Ngakola',
      sex: 'M' as const,
      fatherName: 'Faustin Ngakola',
    },
  ];
  const index = new RegistryIndex(registry);

  it("is matched below the threshold when a parent's name agrees and no homonym would fit as well", () => {
    const decision = index.match({
      ...anicet,
      familyName: 'GBAZOUBANGUI',
      fatherName: 'Faustin Gbazoubangui',
    });
    expect(decision.score).toBeLessThan(0.85);
    expect(decision.score).toBeGreaterThanOrEqual(0.5);
    expect(decision).toMatchObject({ decision: 'match', registryId: 'ANICET' });
    expect(decision.reasons).toContain('birth_date_missing');
  });

  it("goes to an officer when the name is common, though the parent's name agrees", () => {
    const decision = index.match({
      givenNames: 'Jean',
      familyName: 'Ngakola',
      fatherName: 'Faustin Ngakola',
    });
    expect(decision).toMatchObject({ decision: 'review', registryId: 'JEAN' });
    expect(decision.reasons[0]).toBe('score_between_thresholds');
  });

  it('goes to an officer with the names alone, however rare', () => {
    const decision = index.match({ ...anicet });
    expect(decision).toMatchObject({ decision: 'review', registryId: 'ANICET' });
  });

  it('is not what a date allows: a score under the threshold with a year stays in review', () => {
    // A slip in the given name and the year: no homonym of so rare a name is expected that year,
    // yet without the threshold such pairs matched homonyms.
    const decision = index.match({ ...anicet, givenNames: 'Anicte', birthDate: '1971' });
    expect(decision.score).toBeLessThan(0.85);
    expect(decision).toMatchObject({ decision: 'review', registryId: 'ANICET' });
    expect(decision.reasons[0]).toBe('score_between_thresholds');
  });
});

describe('registry persons bearing the same names, told apart', () => {
  const yaliki = { givenNames: 'Yékénzapa', familyName: 'YALIKI', sex: 'M' as const, birthDate: '1960' };
  const registry: RegistryRecord[] = [
    { id: 'WITH-FATHER', ...yaliki, fatherName: 'Josué Yaliki' },
    { id: 'NO-FATHER', ...yaliki },
  ];

  it("takes the one whose father's name agrees over a namesake whose record has no father", () => {
    const index = new RegistryIndex(registry);
    const decision = index.match({ ...yaliki, birthDate: '1960-04-02', fatherName: 'Josué Yaliki' });
    expect(decision).toMatchObject({ decision: 'match', registryId: 'WITH-FATHER' });
  });

  it('asks an officer when nothing but the names and the year tells them apart', () => {
    const index = new RegistryIndex(registry);
    const decision = index.match({ ...yaliki, birthDate: '1960-04-02' });
    expect(decision.decision).toBe('review');
    expect(decision.reasons[0]).toBe('several_close_candidates');
  });

  it('does not count a twin, whom the rules never take for the person, as a rival', () => {
    const kossi = { familyName: 'Kossi', sex: 'M' as const, birthPlace: 'Grimari' };
    const twins = [
      ...registryOf(COMMON, COMMON_COUNT, 1997),
      { id: 'GBANDI', givenNames: 'Gbandi', ...kossi, birthDate: '1997' },
      { id: 'TWIN', givenNames: 'Judicaël', ...kossi, birthDate: '1997-01-22', motherName: 'Marie Zeliko' },
    ];
    const decision = new RegistryIndex(twins).match({
      givenNames: 'Gbandi',
      ...kossi,
      birthDate: '22/01/1997',
      motherName: 'Marie Zeliko',
    });
    expect(decision).toMatchObject({ decision: 'match', registryId: 'GBANDI' });
    expect(decision.candidates.map((c) => c.registryId)).toContain('TWIN');
  });

  it('weighs a name agreeing in part by how common the part both bear is', () => {
    const candidate = preparePerson({ givenNames: 'Marie', familyName: 'DOLOGUELE', birthDate: '1963' });
    const longer = preparePerson({
      givenNames: 'Henriette Nadège Marie',
      familyName: 'Dologuélé',
      birthDate: '1963',
    });
    const commonAsCandidate = (side: unknown) => (side === candidate ? -3 : 0);
    const part = scorePair(candidate, longer, { rarity: commonAsCandidate });
    const unweighed = scorePair(candidate, longer, { rarity: () => 0 });
    expect(part?.reasons).toContain('given_names_partial');
    expect(part?.reasons).toContain('full_name_common');
    expect((unweighed?.weight ?? 0) - (part?.weight ?? 0)).toBe(3);
    // Agreeing in full, the record's own name is the one both bear.
    const same = preparePerson({ givenNames: 'Marie', familyName: 'Dologuélé', birthDate: '1963' });
    expect(scorePair(candidate, same, { rarity: commonAsCandidate })?.reasons).not.toContain(
      'full_name_common',
    );
  });
});

describe('chance of a coincidence', () => {
  it('counts the real dates one keyboard slip away', () => {
    // 1985-03-12: years 1885, 1905…1995 (9), 1980…1989 (9), 1895 and 1958 (swapped); months 01,
    // 02, 04…09 (8; 13 and 30 are none); days 02, 22, 10…19 (11) and 21 (swapped).
    expect(slipNeighbours({ year: 1985, month: 3, day: 12 })).toBe(41);
  });

  it('is highest for a year alone and lowest for a full date', () => {
    const sameYear = 1 / 70;
    const date = { year: 1985, month: 3, day: 12 };
    expect(dateCoincidence('birth_date_year_only', date, sameYear)).toBeCloseTo(sameYear);
    expect(dateCoincidence('birth_date_month_agrees', date, sameYear)).toBeCloseTo(sameYear / 12);
    expect(dateCoincidence('birth_date_exact', date, sameYear)).toBeCloseTo(sameYear / 365.25);
    expect(dateCoincidence('birth_date_missing', undefined, sameYear)).toBe(1);
  });

  it("weighs a date a slip away against how rarely the person's own date slips", () => {
    const sameYear = 1 / 70;
    const date = { year: 1985, month: 3, day: 12 };
    const slip = dateCoincidence('birth_date_typo', date, sameYear);
    expect(slip).toBeCloseTo(((41 * sameYear) / 365.25) * 40);
    expect(dateCoincidence('birth_date_day_month_swapped', date, sameYear)).toBeCloseTo(
      (sameYear / 365.25) * 100,
    );
    expect(slip).toBeGreaterThan(dateCoincidence('birth_date_month_agrees', date, sameYear));
  });

  it('reckons the chance that two persons share a birth year from the years indexed', () => {
    const years = new BirthYears();
    expect(years.sameYearChance()).toBeUndefined();
    for (const year of [1980, 1980, 1990, 2000]) years.add(year);
    years.add(undefined);
    expect(years.sameYearChance()).toBeCloseTo((4 + 1 + 1) / 16);
    years.remove(1980);
    expect(years.sameYearChance()).toBeCloseTo(3 / 9);
  });
});
