/**
 * The matching engine over the national registry as a search finds it: the registry stays in the
 * database (or in the national system behind the adapter), and each decision costs one search and
 * a few dozen scored pairs. Nothing is held between decisions, so the hub's memory does not grow
 * with the registry.
 */
import type { Person } from '../../../protocol/index.js';
import type { Queryable } from '../../db/database.js';
import {
  type Comparable,
  DEFAULT_THRESHOLDS,
  decideAmong,
  fullNameKey,
  type MatchDecision,
  type MatchSettings,
  type MatchThresholds,
  NAME_RARITY,
  NameCache,
  type PreparedPerson,
  preparePerson,
  scoreFound,
} from './matching/index.js';
import type { CandidateSet, NationalRegistry, RegistryPerson } from './national-registry.js';

/** How the registry's decisions are taken (the engine's defaults unless given). */
export interface RegistrySearchOptions {
  readonly thresholds?: MatchThresholds;
  /** How many registry persons a decision lists for a side-by-side review (default 3). */
  readonly topCandidates?: number;
}

/**
 * Bits for agreeing on a full name borne by `count` of the registry's persons, as the in-memory
 * index weighs it (matching/name-frequency.ts): log2 of the expected count of a random person's
 * name over this one's, only the penalty kept.
 */
export function rarityBits(count: number, names: CandidateSet['names']): number {
  if (!count || !names.persons) return 0;
  const bits = Math.log2(names.sumSquares / names.persons / count);
  return Math.min(NAME_RARITY.max, Math.max(NAME_RARITY.min, bits));
}

/** The engine's decision for `person` against the registry, from one candidate search. */
export async function matchInRegistry(
  db: Queryable,
  registry: NationalRegistry,
  person: Person,
  options: RegistrySearchOptions = {},
): Promise<MatchDecision> {
  return matchAmongFound(person, await registry.findCandidates(db, person), options);
}

/** A person and the persons a search found, prepared for scoring (the costly part, done once). */
export interface PreparedSearch {
  readonly person: PreparedPerson;
  readonly holders: readonly Comparable[];
  readonly found: readonly Comparable[];
}

/**
 * Prepares `person` and what the search found for scoring: pure, so that the reconciliation can do
 * it for the next submissions while it waits on the database for this one.
 */
export function prepareSearch(person: Person, set: CandidateSet): PreparedSearch {
  const names = new NameCache();
  const comparable = (record: RegistryPerson): Comparable => ({
    id: record.id,
    person: preparePerson(record, names),
  });
  return {
    person: preparePerson(person, names),
    holders: set.holders.map(comparable),
    found: set.found.map(comparable),
  };
}

/**
 * The engine's decision for `person` over a candidate search already run (`prepared` from
 * {@link prepareSearch} over the same persons; the set's name statistics may be newer).
 */
export function matchAmongFound(
  person: Person,
  set: CandidateSet,
  options: RegistrySearchOptions = {},
  prepared: PreparedSearch = prepareSearch(person, set),
): MatchDecision {
  const counts = new Map(set.found.map((found) => [found.id, found.nameCount]));
  // How many registry persons bear each full name the search met (the person's own form among
  // them when some registry person bears it), for the chance that a homonym fits as well.
  const byName = new Map(
    prepared.found.map((found) => [fullNameKey(found.person), counts.get(found.id) ?? 0]),
  );
  const settings: MatchSettings = {
    thresholds: options.thresholds ?? DEFAULT_THRESHOLDS,
    top: options.topCandidates ?? 3,
    rarity: (found) => rarityBits(counts.get(found.id) ?? 0, set.names),
    ownRarity: (person) => rarityBits(byName.get(fullNameKey(person)) ?? 0, set.names),
    homonyms: { nameCount: (person) => byName.get(fullNameKey(person)) ?? 0 },
  };
  const scored = prepared.holders.length === 1 ? [] : scoreFound(prepared.person, prepared.found, settings);
  return decideAmong(prepared.person, prepared.holders, scored, settings);
}
