/** From scored registry persons to one decision: match, new or review. */
import type { MatchDecision, MatchThresholds, ScoredCandidate } from './types.js';

export interface Scored {
  readonly registryId: string;
  readonly weight: number;
  readonly score: number;
  readonly reasons: readonly string[];
  /** A sibling born the same day (pair-score.ts): never taken as a match. */
  readonly isSameDaySibling?: boolean;
}

/**
 * Bits by which the best must lead the runner-up to be taken without a look: below that, two
 * registry persons fit about as well (homonyms born the same year) and a person decides.
 */
const CLEAR_LEAD = 4;
/** Persons below this score are not worth showing a reviewer. */
export const SHOWN_FLOOR = 0.05;

const rounded = (score: number) => Math.round(score * 10_000) / 10_000;

function shown(scored: readonly Scored[], limit: number): ScoredCandidate[] {
  return scored
    .filter((s) => s.score >= SHOWN_FLOOR)
    .slice(0, limit)
    .map((s) => ({ registryId: s.registryId, score: rounded(s.score), reasons: s.reasons }));
}

/** `scored` must be sorted best first. */
export function decide(scored: readonly Scored[], thresholds: MatchThresholds, limit: number): MatchDecision {
  const [best, second] = scored;
  if (!best) return { decision: 'new', score: 0, reasons: ['no_candidate_in_blocks'], candidates: [] };
  const candidates = shown(scored, limit);
  const score = rounded(best.score);
  if (best.score < thresholds.review) {
    return { decision: 'new', score, reasons: ['best_candidate_below_review', ...best.reasons], candidates };
  }
  const contested =
    second !== undefined && second.score >= thresholds.review && best.weight - second.weight < CLEAR_LEAD;
  if (best.score >= thresholds.match && !contested && !best.isSameDaySibling) {
    return { decision: 'match', registryId: best.registryId, score, reasons: best.reasons, candidates };
  }
  const why = contested
    ? 'several_close_candidates'
    : best.isSameDaySibling
      ? 'possible_sibling_not_same_person'
      : 'score_between_thresholds';
  return {
    decision: 'review',
    registryId: best.registryId,
    score,
    reasons: [why, ...best.reasons],
    candidates,
  };
}
