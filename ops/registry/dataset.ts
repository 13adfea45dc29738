/**
 * A labelled data set for the matching engine: a national registry, the candidates missions submit
 * (the same persons written again with noise, homonyms who are other people, siblings born the same
 * day and namesakes of a parent or child, and people the registry does not know), and the truth
 * about each candidate. The registry itself holds twins, triplets and parents' namesakes. The same
 * seed always gives the same set.
 */
import { namesakeChildOf, namesakeParentOf, sameDaySiblingOf } from './families.js';
import { Random } from './random.js';
import { candidateLine, type PersonLine, registryLine } from './register-views.js';
import { randomDate, type SyntheticPerson, syntheticPerson } from './synthetic-person.js';

export interface DatasetOptions {
  readonly registrySize: number;
  readonly candidateSize: number;
  readonly seed: string | number;
  /** Share of candidates who are registry persons (default 0.6). */
  readonly sameShare?: number;
  /** Share of candidates bearing a registry person's names without being them (default 0.2). */
  readonly homonymShare?: number;
  /** Share of candidates who are a registry person's sibling born the same day (default 0.03). */
  readonly siblingShare?: number;
  /** Share of candidates named after a registry person, their parent or child (default 0.02). */
  readonly namesakeShare?: number;
}

/** Shares of the registry that are a twin (or triplet) of the person before, or their namesake child. */
const REGISTRY_TWINS = 0.02;
const REGISTRY_NAMESAKES = 0.01;

export interface TruthLine {
  readonly candidate_id: string;
  readonly registry_id: string | null;
  readonly kind: 'same_person' | 'homonym' | 'sibling' | 'namesake' | 'new_person';
}

export interface Dataset {
  readonly registry: PersonLine[];
  readonly candidates: PersonLine[];
  readonly truth: TruthLine[];
}

export const id = (prefix: string, n: number) => `${prefix}${String(n).padStart(7, '0')}`;

/**
 * Unique national ids of the form CF + 11 digits (an older register's, never the shape of a number
 * the registry issues), for 70 % of the registry.
 */
function nationalIds(random: Random, count: number): (string | undefined)[] {
  const used = new Set<string>();
  return Array.from({ length: count }, () => {
    if (!random.chance(0.7)) return undefined;
    let value: string;
    do value = `CF${String(random.int(0, 99_999_999_999)).padStart(11, '0')}`;
    while (used.has(value));
    used.add(value);
    return value;
  });
}

/** Another person with the same names: born another year, or the same year on another day. */
function homonymOf(random: Random, person: SyntheticPerson): SyntheticPerson {
  const other = syntheticPerson(random);
  const year = person.birth.year;
  let birth = random.chance(0.5) ? randomDate(random, year, year) : randomDate(random, 1940, 2012);
  while (birth.year === year && birth.month === person.birth.month && birth.day === person.birth.day) {
    birth = randomDate(random, 1940, 2012);
  }
  return { ...other, givenNames: person.givenNames, familyName: person.familyName, sex: person.sex, birth };
}

/**
 * The registry's persons: most unrelated, some the twin (a run of them: triplets) of the person
 * before, some the namesake child of the person before.
 */
export function registryPersons(random: Random, size: number): SyntheticPerson[] {
  const persons: SyntheticPerson[] = [];
  for (let i = 0; i < size; i++) persons.push(nextRegistryPerson(random, persons.at(-1)));
  return persons;
}

/** One registry person, given the one before (undefined for the first). */
export function nextRegistryPerson(random: Random, before: SyntheticPerson | undefined): SyntheticPerson {
  const roll = random.next();
  if (before && roll < REGISTRY_TWINS) return sameDaySiblingOf(random, before);
  if (before && roll < REGISTRY_TWINS + REGISTRY_NAMESAKES) return namesakeChildOf(random, before);
  return syntheticPerson(random);
}

/** A namesake of `person`: their child named after them, or the parent they were named after. */
function namesakeOf(random: Random, person: SyntheticPerson): SyntheticPerson {
  return random.chance(0.5) ? namesakeChildOf(random, person) : namesakeParentOf(random, person);
}

/** The shares of each kind of candidate, cumulative, in the order drawCandidate tries them. */
export interface CandidateShares {
  readonly same: number;
  readonly homonym: number;
  readonly sibling: number;
  readonly namesake: number;
}

export function candidateShares(options: Partial<DatasetOptions> = {}): CandidateShares {
  const same = options.sameShare ?? 0.6;
  const homonym = same + (options.homonymShare ?? 0.2);
  const sibling = homonym + (options.siblingShare ?? 0.03);
  return { same, homonym, sibling, namesake: sibling + (options.namesakeShare ?? 0.02) };
}

/** The registry person a candidate is drawn about: themself, a homonym, a sibling or a namesake. */
export interface CandidateSource {
  readonly person: SyntheticPerson;
  readonly registryId: string;
  readonly nationalId?: string;
}

/** One candidate and the truth about them, by where `roll` (0..1) falls among the shares. */
export function drawCandidate(
  draw: Random,
  roll: number,
  source: CandidateSource | undefined,
  candidateId: string,
  shares: CandidateShares,
): { line: PersonLine; truth: TruthLine } {
  const truth = (kind: TruthLine['kind'], registryId: string | null = null) => ({
    candidate_id: candidateId,
    registry_id: registryId,
    kind,
  });
  if (source && roll < shares.same) {
    const line = candidateLine(draw, source.person, candidateId, source.nationalId);
    return { line, truth: truth('same_person', source.registryId) };
  }
  if (source && roll < shares.homonym) {
    return {
      line: candidateLine(draw, homonymOf(draw, source.person), candidateId),
      truth: truth('homonym'),
    };
  }
  if (source && roll < shares.sibling) {
    const line = candidateLine(draw, sameDaySiblingOf(draw, source.person), candidateId);
    return { line, truth: truth('sibling') };
  }
  if (source && roll < shares.namesake) {
    return {
      line: candidateLine(draw, namesakeOf(draw, source.person), candidateId),
      truth: truth('namesake'),
    };
  }
  return { line: candidateLine(draw, syntheticPerson(draw), candidateId), truth: truth('new_person') };
}

export function generateDataset(options: DatasetOptions): Dataset {
  const random = new Random(`${options.seed}:registry`);
  const persons = registryPersons(random, options.registrySize);
  const ids = nationalIds(random, persons.length);
  const registry = persons.map((person, i) => registryLine(random, person, id('R', i + 1), ids[i]));
  const shares = candidateShares(options);
  const draw = new Random(`${options.seed}:candidates`);
  const candidates: PersonLine[] = [];
  const truth: TruthLine[] = [];
  for (let n = 1; n <= options.candidateSize; n++) {
    const roll = draw.next();
    const k = draw.int(0, persons.length - 1);
    const source = persons.length
      ? { person: persons[k]!, registryId: registry[k]!.id, nationalId: ids[k] }
      : undefined;
    const drawn = drawCandidate(draw, roll, source, id('C', n), shares);
    candidates.push(drawn.line);
    truth.push(drawn.truth);
  }
  return { registry, candidates, truth };
}
