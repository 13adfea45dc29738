/**
 * From the registry persons a search found to one decision. The same steps whoever found them: the
 * in-memory index's blocks (registry-index.ts) or the hub's database (candidate search in SQL).
 */

import { SAME_BIRTH_YEAR_CHANCE } from './birth-years.js';
import { decide, type Scored, SHOWN_FLOOR } from './decide.js';
import { BEARERS_IN_PART, dateCoincidence, expectedHomonyms } from './homonym-chance.js';
import { type PairScore, scorePair } from './pair-score.js';
import type { PreparedPerson } from './prepared-person.js';
import type { MatchDecision, MatchThresholds } from './types.js';
import { weightOf } from './weights.js';

/** A registry person as found, prepared for scoring. */
export interface Comparable {
  readonly id: string;
  readonly person: PreparedPerson;
}

/** How a decision is taken: thresholds, persons listed, and the frequency weight of a name. */
export interface MatchSettings {
  readonly thresholds: MatchThresholds;
  /** How many registry persons a decision lists for a side-by-side review. */
  readonly top: number;
  /** Bits for how common the full name of a registry person is (0 when unknown). */
  readonly rarity: (found: Comparable) => number;
  /**
   * Bits for how common the searched person's own full name is (0 when unknown): what a registry
   * person agreeing on it in part shares with the person (pair-score.ts).
   */
  readonly ownRarity?: (person: PreparedPerson) => number;
  /** What the chance of a homonym is reckoned from; without it, homonyms are not reckoned. */
  readonly homonyms?: HomonymStatistics;
}

/** Registry-wide counts behind the chance that a homonym fits as well as a registry person. */
export interface HomonymStatistics {
  /** How many registry persons bear this person's full name (0 when none or not known). */
  readonly nameCount: (person: PreparedPerson) => number;
  /** The chance two registry persons share a birth year (birth-years.ts); a default when not known. */
  readonly sameYearChance?: () => number | undefined;
}

/**
 * Calibrated on labelled synthetic data (BENCHMARKS.md, "Registry matching"): 0.85 is a weight of
 * 13.5 bits, e.g. both names and a full date, or names, year and place; 0.5 is both names alone.
 */
export const DEFAULT_THRESHOLDS: MatchThresholds = { match: 0.85, review: 0.5 };

/** Refuses thresholds out of order. */
export function checkThresholds(thresholds: MatchThresholds): void {
  if (!(thresholds.review > 0 && thresholds.review <= thresholds.match)) {
    throw new TypeError('thresholds must satisfy 0 < review <= match');
  }
}

/** The weight below which a pair is not worth scoring further (not shown, not in review). */
export function scoringFloor(thresholds: MatchThresholds): number {
  return weightOf(Math.min(SHOWN_FLOOR, thresholds.review));
}

/** Scores each found person once (ids seen twice are skipped), best first. */
export function scoreFound(
  person: PreparedPerson,
  found: Iterable<Comparable>,
  settings: MatchSettings,
): Scored[] {
  const floor = scoringFloor(settings.thresholds);
  const seen = new Set<string>();
  const scored: Scored[] = [];
  let best: { entry: Comparable; pair: PairScore } | undefined;
  // The person's own name is the same for every pair: its frequency is looked up once.
  const own = settings.ownRarity?.(person) ?? 0;
  for (const entry of found) {
    if (seen.has(entry.id)) continue;
    seen.add(entry.id);
    const rarity = (side: PreparedPerson) => (side === entry.person ? settings.rarity(entry) : own);
    const pair = scorePair(person, entry.person, { floor, rarity });
    if (!pair) continue;
    scored.push({ registryId: entry.id, ...pair });
    if (!best || pair.weight > best.pair.weight) best = { entry, pair };
  }
  scored.sort((a, b) => b.weight - a.weight);
  // Only the best can be a match: the homonyms are reckoned for it alone.
  const homonyms = homonymReckoning(person, settings);
  if (best && homonyms)
    scored[0] = { ...(scored[0] as Scored), expectedHomonyms: homonyms(best.entry, best.pair) };
  return scored;
}

/** Expected homonyms as close to `person` as a registry person is (homonym-chance.ts), if reckoned. */
function homonymReckoning(person: PreparedPerson, settings: MatchSettings) {
  const statistics = settings.homonyms;
  if (!statistics) return undefined;
  const sameYear = statistics.sameYearChance?.() ?? SAME_BIRTH_YEAR_CHANCE;
  const ownCount = statistics.nameCount(person);
  return (entry: Comparable, pair: PairScore): number => {
    // Names written in part (a given name of two left out) are borne by those of either form, and
    // agree with everyone bearing the part among other given names.
    const bearers = Math.max(1, ownCount, statistics.nameCount(entry.person));
    const count = pair.givenNamesInPart ? bearers * BEARERS_IN_PART : bearers;
    const dateChance = dateCoincidence(pair.date, person.birthDate, sameYear);
    return expectedHomonyms(count, dateChance, pair.otherFieldsAgainstHomonym);
  };
}

/**
 * The decision for `person`: `holders` are the registry persons holding its national id (after
 * normalisation), `scored` the others found, best first.
 */
export function decideAmong(
  person: PreparedPerson,
  holders: readonly Comparable[],
  scored: readonly Scored[],
  settings: MatchSettings,
): MatchDecision {
  const [holder] = holders;
  if (holder && holders.length === 1) return matchNationalId(person, holder, settings);
  const decision = decide(scored, settings.thresholds, settings.top);
  if (!holders.length) return decision;
  // One id held by several registry persons: the registry itself needs a look.
  return {
    ...decision,
    decision: 'review',
    reasons: ['national_id_shared', ...decision.reasons].slice(0, 20),
  };
}

/** Exact national id: a match, unless both names differ (the id was typed on the wrong person). */
function matchNationalId(person: PreparedPerson, holder: Comparable, settings: MatchSettings): MatchDecision {
  const pair = scorePair(person, holder.person, { rarity: () => settings.rarity(holder) }) as PairScore;
  const registryId = holder.id;
  const candidates = [{ registryId, score: 1, reasons: pair.reasons }];
  const namesDiffer =
    pair.reasons.includes('family_name_differs') && pair.reasons.includes('given_names_differs');
  if (!namesDiffer) {
    return {
      decision: 'match',
      registryId,
      score: 1,
      reasons: ['national_id_exact', ...pair.reasons],
      candidates,
    };
  }
  const reasons = ['national_id_exact_names_differ', ...pair.reasons];
  return { decision: 'review', registryId, score: Math.round(pair.score * 1e4) / 1e4, reasons, candidates };
}
