/** From scored registry persons to one decision: match, new or review. */
import type { DateAgreement } from './date-comparison.js';
import type { MatchDecision, MatchThresholds, ScoredCandidate } from './types.js';

export interface Scored {
  readonly registryId: string;
  readonly weight: number;
  readonly score: number;
  readonly reasons: readonly string[];
  /** A sibling born the same day (pair-score.ts): never taken as a match. */
  readonly isSameDaySibling?: boolean;
  /**
   * Expected number of persons bearing this registry person's full name who would fit the person as
   * well by chance (homonym-chance.ts); undefined when the registry's counts are not known.
   */
  readonly expectedHomonyms?: number;
  /** The weight with a parent's name agreeing counted as a homonym's chance of it (pair-score.ts). */
  readonly weightAgainstHomonym: number;
  /** How the dates of birth compare (pair-score.ts). */
  readonly date?: DateAgreement;
}

/**
 * Bits by which the best must lead its alternatives taken together to be taken without a look:
 * the registry persons worth a review (homonyms born the same year) and, as many as are expected,
 * persons bearing the name who would fit as well by chance (homonym-chance.ts). Below that, a
 * person decides. The lead was 4 bits over the runner-up alone; counting every alternative, and
 * the unseen homonyms, 3 bits keep more right matches and fewer wrong ones on the labelled
 * generator (ops/registry) at 100,000, 300,000 and 1,000,000 persons, on three seeds.
 */
const CLEAR_LEAD = 3;
const MOST_ALTERNATIVES = 2 ** -CLEAR_LEAD;
/** Persons below this score are not worth showing a reviewer. */
export const SHOWN_FLOOR = 0.05;

/**
 * Whether the best may be taken below the match threshold, on the homonym reckoning alone: only
 * when no birth date could be compared. The reckoning then counts every person bearing the name as
 * an alternative (nothing narrows them to a year or a day) and takes the best only when its other
 * fields leave under one chance in eight that any of them would fit as well: a parent's name
 * agreeing for a name borne by up to four persons, both parents for one borne by up to about two
 * hundred (weights.ts, PARENT_NAME_SHARED_BY_CHANCE). With a date, the reckoning counts only the
 * homonyms born that year or day and is too lenient to stand without the threshold: taking
 * every clear lead above review matched homonyms on the names and a year (labelled generator,
 * 300,000 persons: precision 0.9955 → 0.9845), where this rule alone gave 0.9955 → 0.9955, recall
 * 0.9573 → 0.9622, review 4.97 → 4.68 % (BENCHMARKS.md, "Matched without a birth date").
 */
function mayMatchBelowThreshold(best: Scored, thresholds: MatchThresholds): boolean {
  return (
    best.score >= thresholds.review &&
    best.date === 'birth_date_missing' &&
    best.expectedHomonyms !== undefined
  );
}

const rounded = (score: number) => Math.round(score * 10_000) / 10_000;

function shown(scored: readonly Scored[], limit: number): ScoredCandidate[] {
  return scored
    .filter((s) => s.score >= SHOWN_FLOOR)
    .slice(0, limit)
    .map((s) => ({ registryId: s.registryId, score: rounded(s.score), reasons: s.reasons }));
}

/**
 * How the others worth a review weigh against the best: each counts 2^(its weight − the best's),
 * the odds of it over the best. Those are persons bearing the same names, so a parent's name that
 * agrees on one of them counts as the chance that a homonym's parent bears it (1 in 40), not as the
 * loose agreement it is against anyone: the weights against a homonym. Siblings born the same day
 * are left out: their given names differ, and the rules never take one for the person.
 */
function rivalsOf(scored: readonly Scored[], thresholds: MatchThresholds): number {
  const [best, ...others] = scored;
  let rivals = 0;
  for (const other of others) {
    if (other.score < thresholds.review) break;
    if (other.isSameDaySibling) continue;
    rivals += 2 ** (other.weightAgainstHomonym - (best as Scored).weightAgainstHomonym);
  }
  return rivals;
}

/** `scored` must be sorted best first. */
export function decide(scored: readonly Scored[], thresholds: MatchThresholds, limit: number): MatchDecision {
  const [best] = scored;
  if (!best) return { decision: 'new', score: 0, reasons: ['no_candidate_in_blocks'], candidates: [] };
  const candidates = shown(scored, limit);
  const score = rounded(best.score);
  if (best.score < thresholds.review) {
    return { decision: 'new', score, reasons: ['best_candidate_below_review', ...best.reasons], candidates };
  }
  const rivals = rivalsOf(scored, thresholds);
  const contested = rivals > MOST_ALTERNATIVES;
  const homonymLikely = !contested && rivals + (best.expectedHomonyms ?? 0) > MOST_ALTERNATIVES;
  const scoredEnough = best.score >= thresholds.match || mayMatchBelowThreshold(best, thresholds);
  if (scoredEnough && !contested && !best.isSameDaySibling && !homonymLikely) {
    return { decision: 'match', registryId: best.registryId, score, reasons: best.reasons, candidates };
  }
  const why = contested
    ? 'several_close_candidates'
    : best.isSameDaySibling
      ? 'possible_sibling_not_same_person'
      : homonymLikely && best.score >= thresholds.match
        ? 'homonym_likely'
        : 'score_between_thresholds';
  return {
    decision: 'review',
    registryId: best.registryId,
    score,
    reasons: [why, ...best.reasons],
    candidates,
  };
}
